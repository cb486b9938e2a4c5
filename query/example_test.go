package query_test

import (
	"errors"
	"fmt"
	"slices"

	"github.com/metapatch/metapatch/query"
)

func Example() {
	q, err := query.Parse(`app_metadata.roles:admin -blocked:true`)
	if err != nil {
		panic(err)
	}
	fmt.Println(q)
	fmt.Println(q.Match([]byte(`{"app_metadata":{"roles":["admin","dev"]},"blocked":false}`)))
	fmt.Println(q.Match([]byte(`{"app_metadata":{"roles":["admin"]},"blocked":true}`)))
	fmt.Println(q.Match([]byte(`{"app_metadata":{"roles":"dev"}}`)))
	// Output:
	// app_metadata.roles:admin AND NOT blocked:true
	// true
	// false
	// false
}

func ExampleParse_error() {
	_, err := query.Parse(`user_metadata.plan:gol*`)
	var qerr *query.Error
	if errors.As(err, &qerr) {
		fmt.Println(qerr.Offset, qerr.Message)
	}
	fmt.Println(err)
	// Output:
	// 22 wildcards are not supported on metadata fields (user_metadata.plan)
	// query: offset 22: wildcards are not supported on metadata fields (user_metadata.plan)
}

// A SQL renderer walks the same tree Match walks.
func ExampleNode() {
	q, err := query.Parse(`(name:joh* OR email:"a@b.c") AND logins_count:{10 TO *]`)
	if err != nil {
		panic(err)
	}
	var walk func(n query.Node, indent string)
	walk = func(n query.Node, indent string) {
		switch n := n.(type) {
		case *query.And:
			fmt.Println(indent + "AND")
			for _, m := range n.Operands {
				walk(m, indent+"  ")
			}
		case *query.Or:
			fmt.Println(indent + "OR")
			for _, m := range n.Operands {
				walk(m, indent+"  ")
			}
		case *query.Not:
			fmt.Println(indent + "NOT")
			walk(n.Operand, indent+"  ")
		case *query.Term:
			switch n.Kind {
			case query.Range:
				fmt.Printf("%s%s %v low=%+v high=%+v\n", indent, n.Kind, n.Path, n.Low, n.High)
			default:
				fmt.Printf("%s%s %v %q fold=%v\n", indent, n.Kind, n.Path, n.Value, n.Fold)
			}
		}
	}
	walk(q.Root, "")
	// Output:
	// AND
	//   OR
	//     Prefix [name] "joh" fold=true
	//     Exact [email] "a@b.c" fold=true
	//   Range [logins_count] low={Unbounded:false Inclusive:false Value:10 Number:true Key:10} high={Unbounded:true Inclusive:true Value: Number:false Key:}
}

func ExampleQuery_Match_numbers() {
	q, err := query.Parse(`user_metadata.fontSize:13`)
	if err != nil {
		panic(err)
	}
	for _, doc := range []string{
		`{"user_metadata":{"fontSize":13}}`,
		`{"user_metadata":{"fontSize":13.0}}`,
		`{"user_metadata":{"fontSize":"13"}}`,
		`{"user_metadata":{"fontSize":[12,13]}}`,
		`{"user_metadata":{"fontSize":130e-1}}`,
		`{"user_metadata":{"fontSize":14}}`,
		`{"user_metadata":{"fontSize":null}}`,
	} {
		fmt.Println(q.Match([]byte(doc)), doc)
	}
	// Output:
	// true {"user_metadata":{"fontSize":13}}
	// true {"user_metadata":{"fontSize":13.0}}
	// true {"user_metadata":{"fontSize":"13"}}
	// true {"user_metadata":{"fontSize":[12,13]}}
	// true {"user_metadata":{"fontSize":130e-1}}
	// false {"user_metadata":{"fontSize":14}}
	// false {"user_metadata":{"fontSize":null}}
}

func ExampleSort_Compare() {
	s, err := query.ParseSort("logins_count:-1")
	if err != nil {
		panic(err)
	}
	docs := []string{
		`{"user_id":"a","logins_count":2}`,
		`{"user_id":"b"}`,
		`{"user_id":"c","logins_count":10}`,
		`{"user_id":"d","logins_count":2.0}`,
	}
	slices.SortStableFunc(docs, func(a, b string) int { return s.Compare([]byte(a), []byte(b)) })
	for _, d := range docs {
		fmt.Println(d)
	}
	// Output:
	// {"user_id":"c","logins_count":10}
	// {"user_id":"a","logins_count":2}
	// {"user_id":"d","logins_count":2.0}
	// {"user_id":"b"}
}

func ExampleValues() {
	doc := []byte(`{"user_metadata":{"addresses":[{"city":"Paris"},{"city":null},{"city":"Rome"}]}}`)
	for v := range query.Values(doc, []string{"user_metadata", "addresses", "city"}) {
		fmt.Println(string(v))
	}
	// Output:
	// "Paris"
	// "Rome"
}
