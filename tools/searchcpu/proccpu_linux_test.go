package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// A process's CPU time keeps the time of its threads that have ended, as
// Meilisearch's do between two readings. The helper process burns CPU on
// threads that end (a goroutine locked to its thread and returning without
// unlocking ends the thread, unless the thread is the main one: so four),
// prints the time they spent, and waits to be read.
func TestProcessCPUKeepsEndedThreads(t *testing.T) {
	if os.Getenv("SEARCHCPU_BURN_HELPER") == "1" {
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestBurnHelper$")
	cmd.Env = append(os.Environ(), "SEARCHCPU_BURN_HELPER=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	ns, err := strconv.ParseInt(strings.TrimSpace(line), 10, 64)
	if err != nil {
		t.Fatalf("helper said %q", line)
	}
	got, ok := processCPU(cmd.Process.Pid)
	if !ok {
		t.Skip("the process CPU clock cannot be read here")
	}
	if burnt := time.Duration(ns); got < burnt {
		t.Fatalf("the process's CPU time is %v, less than the %v its ended threads spent", got, burnt)
	}
}

func TestBurnHelper(t *testing.T) {
	if os.Getenv("SEARCHCPU_BURN_HELPER") != "1" {
		t.Skip("run by TestProcessCPUKeepsEndedThreads")
	}
	var mu sync.Mutex
	var burnt time.Duration
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
			start := threadCPU()
			for threadCPU()-start < 50*time.Millisecond {
			}
			mu.Lock()
			burnt += threadCPU() - start
			mu.Unlock()
		}()
	}
	wg.Wait()
	time.Sleep(100 * time.Millisecond) // for the threads to end
	fmt.Println(int64(burnt))
	os.Stdin.Read(make([]byte, 1)) // until the test has read the clock
}

// threadCPU is the calling thread's CPU time.
func threadCPU() time.Duration {
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 3 /* CLOCK_THREAD_CPUTIME_ID */, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}
