package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/metapatch/metapatch/pgstore/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// credentials are the client credentials the last serve printed.
var credentials []string

// serve starts run with args and returns the API's base URL, a token and
// a function that stops the server and returns run's error; the client
// credentials it printed are in credentials.
func serve(t *testing.T, args ...string) (base, token string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), w, io.Discard)
		w.Close()
	}()
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		line := lines.Text()
		if rest, ok := strings.CutPrefix(line, "metapatch-serve: Management API at "); ok {
			base, _, _ = strings.Cut(rest, " ")
		}
		if rest, ok := strings.CutPrefix(line, "client credentials (every scope): "); ok {
			credentials = strings.Fields(rest)
		}
		if rest, ok := strings.CutPrefix(line, "token (every scope): "); ok {
			token = rest
			break
		}
	}
	if base == "" || token == "" {
		cancel()
		t.Fatalf("no URL and token printed: %v", <-done)
	}
	go io.Copy(io.Discard, out)
	return base, token, func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(time.Minute):
			t.Fatal("run did not return after its context was done")
			return nil
		}
	}
}

func request(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeClientCredentials gets a token with the printed client
// credentials, as a service's SDK would, and uses it: the token's issuer
// and audience are the server's public URL, not an internal one.
func TestServeClientCredentials(t *testing.T) {
	base, _, stop := serve(t)
	defer stop()
	if len(credentials) != 6 || credentials[0] != "client_id" || credentials[2] != "client_secret" {
		t.Fatalf("credentials line: %q", credentials)
	}
	root := strings.TrimSuffix(base, "/api/v2/")
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {credentials[1]},
		"client_secret": {credentials[3]}, "audience": {credentials[5]}}
	resp, err := http.PostForm(root+"/oauth/token", form)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if resp.StatusCode != 200 || tok.AccessToken == "" {
		t.Fatalf("token: %d", resp.StatusCode)
	}
	if status, body := request(t, "GET", base+"users", tok.AccessToken, ""); status != 200 {
		t.Errorf("with the issued token: %d %s", status, body)
	}
	form.Set("client_secret", "wrong")
	if resp, err = http.PostForm(root+"/oauth/token", form); err != nil || resp.StatusCode != 401 {
		t.Errorf("a wrong secret: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
}

func TestServeMemory(t *testing.T) {
	base, token, stop := serve(t)
	if status, body := request(t, "POST", base+"users", token, `{"user_id":"auth0|1","user_metadata":{"n":1.50}}`); status != 201 {
		t.Fatalf("create: %d %s", status, body)
	}
	if status, body := request(t, "GET", base+"users/auth0%7C1", token, ""); status != 200 || !strings.Contains(body, `"n":1.50`) {
		t.Errorf("get: %d %s", status, body)
	}
	// Its neighbour: a token the server did not issue is refused.
	if status, _ := request(t, "GET", base+"users/auth0%7C1", "not-a-token", ""); status != 401 {
		t.Errorf("an unknown token: %d, want 401", status)
	}
	if err := stop(); err != nil {
		t.Errorf("run after shutdown: %v", err)
	}
	if _, err := http.Get(base + "users"); err == nil {
		t.Error("the server still answers after shutdown")
	}
}

func TestServePostgreSQL(t *testing.T) {
	dsn := pgtest.DSN(t)
	base, token, stop := serve(t, "-db", dsn)
	if status, body := request(t, "POST", base+"users", token, `{"user_id":"auth0|1","user_metadata":{"big":12345678901234567891}}`); status != 201 {
		t.Fatalf("create: %d %s", status, body)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	// A new process on the same database finds the user.
	base, token, stop = serve(t, "-db", dsn)
	defer stop()
	if status, body := request(t, "GET", base+"users/auth0%7C1", token, ""); status != 200 || !strings.Contains(body, `"big":12345678901234567891`) {
		t.Errorf("after a restart: %d %s", status, body)
	}
}

func TestServeErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"-nope"}, "flag provided but not defined"},
		{"extra argument", []string{"x"}, "unexpected arguments"},
		{"bad address", []string{"-addr", "127.0.0.1:-1"}, "invalid port"},
		{"bad database", []string{"-db", "postgres://%zz"}, "pgstore:"},
	} {
		err := run(context.Background(), c.args, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}
