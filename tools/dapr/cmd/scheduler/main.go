// The Dapr scheduler (Jobs API backend), exactly upstream's cmd/scheduler main.
package main

import "github.com/dapr/dapr/cmd/scheduler/app"

func main() {
	app.Run()
}
