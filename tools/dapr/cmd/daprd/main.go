// daprd: upstream's cmd/daprd main, with only the components this project uses (components.go).
//
// Upstream's cmd/daprd/app imports github.com/dapr/dapr/cmd/daprd/components, whose registration files all carry
// the build tag stablecomponents or allcomponents; untagged, that package compiles only zz_notag.go, which panics
// at init. Files in the module cache cannot be overlaid (go build -overlay refuses them), so ./app is upstream's
// cmd/daprd/app/app.go with that one import removed and nothing else changed. build.ts fails when the copy differs
// from the upstream file of the version in go.mod, and `node --import tsx tools/dapr/build.ts --sync-app` rewrites it.
package main

import "github.com/todo-chatbot/tools/dapr/cmd/daprd/app"

func main() {
	app.Run()
}
