// This file compares numbers exactly; see the package doc, "Matching".

package query

// IsNumber reports whether s is spelled as a JSON number (RFC 8259):
// an optional '-', an integer part without leading zeros, an optional
// fraction and an optional exponent.
func IsNumber(s string) bool {
	return false
}

// CompareNumbers compares two JSON number literals by the numbers they
// denote, exactly (decimal digits and exponents, never through float64):
// -1 when a < b, 0 when equal ("13" and "13.0", "1.30" and "1.3", "0" and
// "-0"), +1 when a > b. ok is false, and c 0, when either is not a number.
func CompareNumbers(a, b string) (c int, ok bool) {
	return 0, false
}

// EqualNumbers reports whether a and b are JSON number literals that
// denote the same number.
func EqualNumbers(a, b string) bool {
	c, ok := CompareNumbers(a, b)
	return ok && c == 0
}
