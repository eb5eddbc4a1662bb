package models

import (
	"fmt"
	"strings"
)

// mstWeights are the weights of the tax code's check digit over digits 1-9.
var mstWeights = [9]int{31, 29, 23, 19, 17, 13, 7, 5, 3}

// CheckTaxCode validates a Vietnamese enterprise tax code (mã số thuế, MST):
// ten digits, or thirteen as NNNNNNNNNN-NNN for a branch. The tenth digit is
// a check digit: 10 - (Σ wᵢ·dᵢ mod 11) over the first nine digits, where a
// result of 10 makes the code invalid. The sequence 0000000 (digits 3-9) and
// the branch suffix 000 are rejected. It returns the code with spaces
// removed and a branch written with its dash.
func CheckTaxCode(s string) (string, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	main, branch, hasBranch := strings.Cut(s, "-")
	if !hasBranch && len(s) == 13 {
		main, branch, hasBranch = s[:10], s[10:], true
	}
	if len(main) != 10 || !allDigits(main) {
		return "", fmt.Errorf("must be 10 digits, or 13 written as NNNNNNNNNN-NNN for a branch")
	}
	if hasBranch {
		if len(branch) != 3 || !allDigits(branch) {
			return "", fmt.Errorf("a branch suffix must be 3 digits, as in 0100233488-001")
		}
		if branch == "000" {
			return "", fmt.Errorf("branch suffix 000 is not issued")
		}
	}
	if main[2:9] == "0000000" {
		return "", fmt.Errorf("sequence 0000000 is not issued")
	}
	sum := 0
	for i, w := range mstWeights {
		sum += w * int(main[i]-'0')
	}
	check := 10 - sum%11
	if check == 10 || int(main[9]-'0') != check {
		return "", fmt.Errorf("check digit does not match: %s is not a valid tax code", s)
	}
	if hasBranch {
		return main + "-" + branch, nil
	}
	return main, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
