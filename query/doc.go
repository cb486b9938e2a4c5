// Package query implements Auth0's user search query language (search
// engine v3, a subset of Lucene query syntax): a parser building a small
// syntax tree, a printer, and matching of stored user documents.
//
// Work in progress: the rules are being written down.
package query
