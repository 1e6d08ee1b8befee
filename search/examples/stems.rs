fn fold(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'ą' => 'a',
            'ć' => 'c',
            'ę' => 'e',
            'ł' => 'l',
            'ń' => 'n',
            'ó' => 'o',
            'ś' => 's',
            'ź' | 'ż' => 'z',
            c => c,
        })
        .collect()
}
fn main() {
    let words: Vec<String> = std::env::args().skip(1).collect();
    let t = std::time::Instant::now();
    for w in &words {
        let f = fold(w);
        let s = tantivy_stemmers::algorithms::polish_yarovoy_unaccented(&f);
        println!("{w:20} {f:20} {s}");
    }
    eprintln!("{:?}", t.elapsed() / words.len().max(1) as u32);
}
