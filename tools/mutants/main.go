// Command mutants runs camreg's committed mutation tests (make mutants):
// each mutant of mutants.go, a deliberate bug in the authorization code or
// the verdict rules, is applied with `go test -overlay` (the work tree is
// never touched) and the tests of its packages must fail. A mutant whose
// tests pass survives: a check no test holds. It exits 1 if any survives.
//
//	go run ./tools/mutants [-run REGEXP] [-v]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

func main() {
	run := flag.String("run", "", "only the mutants whose name matches this regular expression")
	verbose := flag.Bool("v", false, "show the output of each test run")
	flag.Parse()
	var re *regexp.Regexp
	if *run != "" {
		re = regexp.MustCompile(*run)
	}
	root, err := os.Getwd()
	if err != nil {
		fail(err)
	}
	tmp, err := os.MkdirTemp("", "camreg-mutants-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(tmp)
	killed, survived, broken, tried := 0, []string{}, []string{}, 0
	start := time.Now()
	for i, m := range mutants {
		if re != nil && !re.MatchString(m.name) {
			continue
		}
		tried++
		src, err := os.ReadFile(filepath.Join(root, m.file))
		if err != nil {
			fail(err)
		}
		n := max(m.n, 1)
		if c := strings.Count(string(src), m.find); c < n {
			fail(fmt.Errorf("mutant %q: %q occurs %d times in %s: the code moved, update mutants.go", m.name, m.find, c, m.file))
		}
		mutated := replaceNth(string(src), m.find, m.replace, n)
		path := filepath.Join(tmp, fmt.Sprintf("m%02d_%s", i, filepath.Base(m.file)))
		if err := os.WriteFile(path, []byte(mutated), 0o644); err != nil {
			fail(err)
		}
		overlay := filepath.Join(tmp, fmt.Sprintf("m%02d.json", i))
		b, _ := json.Marshal(map[string]map[string]string{"Replace": {filepath.Join(root, m.file): path}})
		if err := os.WriteFile(overlay, b, 0o644); err != nil {
			fail(err)
		}
		args := append([]string{"test", "-count=1", "-failfast", "-overlay", overlay}, m.pkgs...)
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		t := time.Since(start).Round(time.Second)
		switch {
		case err == nil:
			survived = append(survived, m.name)
			fmt.Printf("SURVIVED  %-70s (%s)\n", m.name, t)
		case strings.Contains(string(out), "[build failed]") || strings.Contains(string(out), "setup failed"):
			// A mutant that does not compile tests nothing: an error of the set.
			broken = append(broken, m.name)
			fmt.Printf("BROKEN    %-70s (does not compile)\n%s", m.name, out)
		default:
			killed++
			fmt.Printf("killed    %-70s (%s)\n", m.name, t)
		}
		if *verbose {
			os.Stdout.Write(out)
		}
	}
	fmt.Printf("\n%d mutants: %d killed, %d survived, %d do not compile (%s)\n", tried, killed, len(survived), len(broken),
		time.Since(start).Round(time.Second))
	if len(broken) > 0 {
		os.Exit(2)
	}
	if len(survived) > 0 {
		for _, s := range survived {
			fmt.Println("survivor:", s)
		}
		os.Exit(1)
	}
}

func replaceNth(s, old, new string, n int) string {
	i := 0
	for k := 0; k < n; k++ {
		j := strings.Index(s[i:], old)
		if k == n-1 {
			i += j
			break
		}
		i += j + len(old)
	}
	return s[:i] + new + s[i+len(old):]
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mutants:", err)
	os.Exit(2)
}
