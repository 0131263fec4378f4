package sampleorg

import "testing"

// BenchmarkGenerateNormalized1M measures generating one million normalized
// events (one op = one million events).
func BenchmarkGenerateNormalized1M(b *testing.B) {
	benchmarkGenerate(b, 1_000_000, Normalized)
}

// BenchmarkGenerateVendor100k measures rendering vendor records, which
// marshal JSON and are therefore much slower than normalized rows.
func BenchmarkGenerateVendor100k(b *testing.B) {
	benchmarkGenerate(b, 100_000, Vendor)
}

func benchmarkGenerate(b *testing.B, events int, mode Mode) {
	b.ReportAllocs()
	total := 0
	for b.Loop() {
		if _, err := Generate(testConfig(1, events, mode), func(Record) error { total++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "events/s")
}
