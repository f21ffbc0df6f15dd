// The Dapr Sentry (the CA that gives each daprd its SPIFFE identity for mTLS), exactly upstream's cmd/sentry main.
package main

import "github.com/dapr/dapr/cmd/sentry/app"

func main() {
	app.Run()
}
