package main

// The components this project's resources use, registered as upstream's cmd/daprd/components/*.go files do.
// Adding one: copy its registration from $(go env GOMODCACHE)/github.com/dapr/dapr@<version>/cmd/daprd/components.

import (
	"github.com/dapr/components-contrib/nameresolution/mdns"
	nrSqlite "github.com/dapr/components-contrib/nameresolution/sqlite"
	"github.com/dapr/components-contrib/pubsub/kafka"
	"github.com/dapr/components-contrib/secretstores/local/env"
	"github.com/dapr/components-contrib/secretstores/local/file"
	pgv1 "github.com/dapr/components-contrib/state/postgresql/v1"
	nrLoader "github.com/dapr/dapr/pkg/components/nameresolution"
	pubsubLoader "github.com/dapr/dapr/pkg/components/pubsub"
	secretstoresLoader "github.com/dapr/dapr/pkg/components/secretstores"
	stateLoader "github.com/dapr/dapr/pkg/components/state"
)

func init() {
	// Self-hosted mode resolves app ids for service invocation with mdns unless the configuration names another.
	nrLoader.DefaultRegistry.RegisterComponent(mdns.NewResolver, "mdns")
	// The runner names sqlite (one file per system): mdns answers across systems and onto the network, so a second
	// system on the same machine (the tests beside `npm start`) could be sent the other's calls.
	nrLoader.DefaultRegistry.RegisterComponent(nrSqlite.NewResolver, "sqlite")
	pubsubLoader.DefaultRegistry.RegisterComponent(kafka.NewKafka, "kafka")
	// Upstream registers postgresql (and postgres) with v1 as the default version and v2 as preferred. Only v1 here:
	// an unversioned registration serves "v1" and an empty version, and "v2" fails with "couldn't find state store".
	stateLoader.DefaultRegistry.RegisterComponent(pgv1.NewPostgreSQLStateStore, "postgresql", "postgres")
	secretstoresLoader.DefaultRegistry.RegisterComponent(file.NewLocalSecretStore, "local.file")
	secretstoresLoader.DefaultRegistry.RegisterComponent(env.NewEnvSecretStore, "local.env")
}
