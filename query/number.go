// This file compares numbers exactly; see the package doc, "Matching".

package query

import (
	"math/big"
	"strings"
)

// IsNumber reports whether s is spelled as a JSON number (RFC 8259):
// an optional '-', an integer part without leading zeros, an optional
// fraction and an optional exponent.
func IsNumber(s string) bool {
	_, ok := parseNumber(s)
	return ok
}

// CompareNumbers compares two JSON number literals by the numbers they
// denote, exactly (decimal digits and exponents, never through float64):
// -1 when a < b, 0 when equal ("13" and "13.0", "1.30" and "1.3", "0" and
// "-0", "1e2" and "100"), +1 when a > b. ok is false, and c 0, when either
// is not a number.
func CompareNumbers(a, b string) (c int, ok bool) {
	x, ok := parseNumber(a)
	if !ok {
		return 0, false
	}
	y, ok := parseNumber(b)
	if !ok {
		return 0, false
	}
	return x.compare(y), true
}

// EqualNumbers reports whether a and b are JSON number literals that
// denote the same number.
func EqualNumbers(a, b string) bool {
	c, ok := CompareNumbers(a, b)
	return ok && c == 0
}

// decimal is a number as sign, significant digits and exponent: the value
// is 0.digits × 10^exp. Zero has no digits.
type decimal struct {
	neg    bool
	digits string   // no leading or trailing zeros
	exp    int64    // used when bigExp is nil
	bigExp *big.Int // the exponent when it does not fit comfortably in int64
}

// parseNumber parses a JSON number literal.
func parseNumber(s string) (decimal, bool) {
	var d decimal
	i := 0
	if i < len(s) && s[i] == '-' {
		d.neg = true
		i++
	}
	intStart := i
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return decimal{}, false
	}
	intPart := s[intStart:i]
	var frac string
	if i < len(s) && s[i] == '.' {
		i++
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return decimal{}, false
		}
		frac = s[start:i]
	}
	expText := "0"
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		start := i
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		digits := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == digits {
			return decimal{}, false
		}
		expText = s[start:i]
	}
	if i != len(s) {
		return decimal{}, false
	}
	// The value is 0.(intPart frac) × 10^(exp + len(intPart)); leading
	// zeros of the digits lower the exponent, trailing zeros go.
	all := intPart + frac
	trimmed := strings.TrimLeft(all, "0")
	shift := int64(len(intPart)) - int64(len(all)-len(trimmed))
	d.digits = strings.TrimRight(trimmed, "0")
	if d.digits == "" {
		return decimal{}, true // zero, whatever its sign and exponent
	}
	expText = strings.TrimPrefix(expText, "+")
	if len(strings.TrimLeft(strings.TrimPrefix(expText, "-"), "0")) <= 15 {
		var e int64
		neg := strings.HasPrefix(expText, "-")
		for _, c := range strings.TrimPrefix(expText, "-") {
			e = e*10 + int64(c-'0')
		}
		if neg {
			e = -e
		}
		d.exp = e + shift
		return d, true
	}
	e, _ := new(big.Int).SetString(expText, 10)
	d.bigExp = e.Add(e, big.NewInt(shift))
	return d, true
}

// compare returns -1, 0 or +1 as d is less than, equal to or greater
// than e.
func (d decimal) compare(e decimal) int {
	ds, es := d.sign(), e.sign()
	if ds != es {
		if ds < es {
			return -1
		}
		return 1
	}
	if ds == 0 {
		return 0
	}
	c := d.compareMagnitude(e)
	if ds < 0 {
		return -c
	}
	return c
}

func (d decimal) sign() int {
	switch {
	case d.digits == "":
		return 0
	case d.neg:
		return -1
	}
	return 1
}

// compareMagnitude compares |d| and |e|, both non-zero.
func (d decimal) compareMagnitude(e decimal) int {
	var c int
	if d.bigExp == nil && e.bigExp == nil {
		switch {
		case d.exp < e.exp:
			c = -1
		case d.exp > e.exp:
			c = 1
		}
	} else {
		c = d.exponent().Cmp(e.exponent())
	}
	if c != 0 {
		return c
	}
	// Same exponent: compare the digits; with no trailing zeros, a
	// proper prefix is the smaller.
	return strings.Compare(d.digits, e.digits)
}

func (d decimal) exponent() *big.Int {
	if d.bigExp != nil {
		return d.bigExp
	}
	return big.NewInt(d.exp)
}
