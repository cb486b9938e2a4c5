package query

import "testing"

func TestCompareNumbers(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"13", "13", 0},
		{"13", "13.0", 0},
		{"1.30", "1.3", 0},
		{"1.3e1", "13", 0},
		{"130e-1", "13", 0},
		{"0", "-0", 0},
		{"0.0e5", "0", 0},
		{"1e400", "10e399", 0},
		{"1E+2", "100", 0},
		{"12345678901234567891", "12345678901234567890", 1},
		{"12345678901234567890", "12345678901234567891", -1},
		{"13", "14", -1},
		{"-13", "-14", 1},
		{"-1", "0", -1},
		{"0", "1e-400", -1},
		{"0.12", "0.125", -1},
		{"0.13", "0.125", 1},
		{"9", "10", -1},
		{"1e1000000000000000000000", "1e999999999999999999999", 1},
		{"1e1000000000000000000000", "10e999999999999999999999", 0},
		{"1e-1000000000000000000000", "1", -1},
		{"-1e1000000000000000000000", "1", -1},
	}
	for _, tc := range tests {
		got, ok := CompareNumbers(tc.a, tc.b)
		if !ok || got != tc.want {
			t.Errorf("CompareNumbers(%q, %q) = %d, %v, want %d, true", tc.a, tc.b, got, ok, tc.want)
		}
		back, ok := CompareNumbers(tc.b, tc.a)
		if !ok || back != -tc.want {
			t.Errorf("CompareNumbers(%q, %q) = %d, %v, want %d, true", tc.b, tc.a, back, ok, -tc.want)
		}
		if eq := EqualNumbers(tc.a, tc.b); eq != (tc.want == 0) {
			t.Errorf("EqualNumbers(%q, %q) = %v", tc.a, tc.b, eq)
		}
	}
}

func TestIsNumber(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"0", true}, {"-0", true}, {"13", true}, {"1.5", true}, {"1e5", true}, {"1E-5", true}, {"-1.5e+5", true},
		{"", false}, {"-", false}, {"01", false}, {"+1", false}, {".5", false}, {"5.", false}, {"1e", false},
		{"1e+", false}, {"0x10", false}, {"1_000", false}, {"NaN", false}, {"Infinity", false}, {" 1", false}, {"1 ", false},
	}
	for _, tc := range tests {
		if got := IsNumber(tc.s); got != tc.want {
			t.Errorf("IsNumber(%q) = %v, want %v", tc.s, got, tc.want)
		}
		if _, ok := CompareNumbers(tc.s, "1"); ok != tc.want {
			t.Errorf("CompareNumbers(%q, \"1\") ok = %v, want %v", tc.s, ok, tc.want)
		}
	}
}
