// aeon-s3server: the S3-protocol test peer for Aeon's object-storage tests. It is NOT product
// code: it only wires rclone's gofakes3 (MIT, in-memory backend) with SigV4 verification turned
// on, so that a signing bug in Aeon's S3 client fails the tests instead of passing silently.
//
// It listens on -addr (port 0 = pick a free one), creates the -bucket buckets, and prints one
// line "listening on HOST:PORT" to stdout once it accepts connections.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/rclone/gofakes3"
	"github.com/rclone/gofakes3/s3mem"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (port 0 picks a free port)")
	buckets := flag.String("bucket", "", "comma-separated buckets to create at start")
	accessKey := flag.String("access-key", "", "access key ID the server accepts (required)")
	secretKey := flag.String("secret-key", "", "secret key for -access-key (required)")
	hostBucket := flag.Bool("hostbucket", false, "route virtual-hosted-style requests (bucket in the Host header)")
	verbose := flag.Bool("verbose", false, "log every request decision to stderr")
	flag.Parse()

	// Without keys gofakes3 accepts anonymous requests; the whole point of this peer is to
	// verify signatures, so refuse to start that way.
	if *accessKey == "" || *secretKey == "" {
		fmt.Fprintln(os.Stderr, "aeon-s3server: -access-key and -secret-key are required")
		os.Exit(2)
	}

	backend := s3mem.New()
	for _, b := range strings.Split(*buckets, ",") {
		if b = strings.TrimSpace(b); b == "" {
			continue
		}
		if err := backend.CreateBucket(context.Background(), b); err != nil {
			log.Fatalf("aeon-s3server: create bucket %q: %v", b, err)
		}
	}

	opts := []gofakes3.Option{
		gofakes3.WithV4Auth(map[string]string{*accessKey: *secretKey}),
		gofakes3.WithHostBucket(*hostBucket),
	}
	if *verbose {
		opts = append(opts, gofakes3.WithGlobalLog())
	}
	faker := gofakes3.New(backend, opts...)

	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("aeon-s3server: listen %s: %v", *addr, err)
	}
	fmt.Printf("listening on %s\n", listener.Addr().String())
	os.Stdout.Sync()
	if err := http.Serve(listener, faker.Server()); err != nil {
		log.Fatalf("aeon-s3server: %v", err)
	}
}
