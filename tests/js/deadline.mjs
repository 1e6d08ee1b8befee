// A check that has not finished within `seconds` fails with exit code 3 instead of hanging the
// test that started it; the timer does not keep a finished check alive.
export function deadline(seconds, what) {
  setTimeout(() => {
    console.error(`${what}: not finished within ${seconds} s`);
    process.exit(3);
  }, seconds * 1000).unref();
}
