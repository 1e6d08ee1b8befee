//! Bar charts as SVG, drawn with plotters: one horizontal bar per group, its value written at
//! its end. The SVG backend writes text as text, so the chart needs no fonts on the server and
//! the same figures always give the same bytes.

use innohub_schema::region::REGIONS;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One bar: what it stands for and how long it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: i64,
}

const WIDTH: u32 = 900;
const ROW: u32 = 30;
/// The hub's accent colour.
const BAR: RGBColor = RGBColor(0x1f, 0x5f, 0x8b);

/// The bars of regions with one for every voivodeship (0 where none was reached), largest
/// first; a bar for records without a region stays last.
pub fn every_region(mut bars: Vec<Bar>) -> Vec<Bar> {
    for r in REGIONS {
        if !bars.iter().any(|b| b.label == r.name) {
            bars.push(Bar {
                label: r.name.to_owned(),
                value: 0,
            });
        }
    }
    // Regions of equal reach stay in TERYT order; a bar for no region comes last.
    let place = |b: &Bar| {
        REGIONS
            .iter()
            .position(|r| r.name == b.label)
            .unwrap_or(REGIONS.len())
    };
    bars.sort_by(|a, b| {
        (place(a) == REGIONS.len())
            .cmp(&(place(b) == REGIONS.len()))
            .then(b.value.cmp(&a.value))
            .then(place(a).cmp(&place(b)))
    });
    bars
}

/// The chart: `title` above, the bars from the top down in the order given, the axis named
/// `measure`.
pub fn bars(title: &str, measure: &str, bars: &[Bar]) -> anyhow::Result<String> {
    let n = bars.len().max(1) as u32;
    let height = 120 + ROW * n;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    // Room after the longest bar for its figure.
    let x_end = max + max / 8 + 1;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 22))
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(260)
            // A segmented range of integers has a segment after its last value: n bars need 0..n-1.
            .build_cartesian_2d(0i64..x_end, (0u32..n - 1).into_segmented())?;
        // Bar i is drawn in segment n-1-i, so the first bar is at the top.
        let label_of = |v: &SegmentValue<u32>| match v {
            SegmentValue::CenterOf(s) if *s < n => bars
                .get((n - 1 - s) as usize)
                .map(|b| b.label.clone())
                .unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n as usize)
            .y_label_formatter(&label_of)
            .x_desc(measure)
            .label_style(("sans-serif", 14))
            .draw()?;
        chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
            let s = n - 1 - i as u32;
            let mut r = Rectangle::new(
                [
                    (0, SegmentValue::Exact(s)),
                    (b.value, SegmentValue::Exact(s + 1)),
                ],
                BAR.filled(),
            );
            r.set_margin(4, 4, 0, 0);
            r
        }))?;
        chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
            let s = n - 1 - i as u32;
            Text::new(
                format!(" {}", b.value),
                (b.value, SegmentValue::CenterOf(s)),
                ("sans-serif", 13)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            )
        }))?;
        root.present()?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_voivodeship_has_a_bar_and_the_largest_comes_first() {
        let bars = every_region(vec![
            Bar {
                label: "śląskie".into(),
                value: 2,
            },
            Bar {
                label: "bez regionu".into(),
                value: 9,
            },
            Bar {
                label: "małopolskie".into(),
                value: 5,
            },
        ]);
        assert_eq!(bars.len(), 17);
        assert_eq!(bars[0].label, "małopolskie");
        assert_eq!(bars[1].label, "śląskie");
        assert_eq!(bars[16].label, "bez regionu");
        assert!(bars[2..16].iter().all(|b| b.value == 0));
    }

    #[test]
    fn the_chart_names_its_bars_and_figures_and_is_the_same_each_time() {
        let bars = vec![
            Bar {
                label: "małopolskie".into(),
                value: 1234,
            },
            Bar {
                label: "łódzkie".into(),
                value: 7,
            },
        ];
        let svg = super::bars("Upowszechnianie", "Liczba działań", &bars).expect("chart");
        assert!(svg.starts_with("<svg"), "{svg}");
        for text in [
            "małopolskie",
            "łódzkie",
            "1234",
            "Liczba działań",
            "Upowszechnianie",
        ] {
            assert!(svg.contains(text), "{text} missing");
        }
        assert_eq!(
            svg,
            super::bars("Upowszechnianie", "Liczba działań", &bars).expect("chart")
        );
    }
}
