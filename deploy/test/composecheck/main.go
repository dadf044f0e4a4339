// composecheck loads docker-compose.yml with compose-go, the library behind
// `docker compose config` (no Docker engine needed), and then checks that the
// stack's files agree with each other: the Kafka version with
// scripts/kafka-local.sh, the topics with deploy/dateline.toml, the metrics
// port with Prometheus' target, the stop grace period with the drain timeout.
//
//	cd deploy/test/composecheck && go run . ../../..        # repo root as argument
//
// Prints one "ok"/"not ok" line per check and exits 1 if any failed.
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"gopkg.in/yaml.v3"
)

var failed, passed int

func check(ok bool, name string, format string, args ...any) {
	if ok {
		passed++
		fmt.Printf("ok - %s\n", name)
		return
	}
	failed++
	fmt.Printf("not ok - %s: %s\n", name, fmt.Sprintf(format, args...))
}

// workerConfig is the part of deploy/dateline.toml these checks read; the
// worker rejects unknown keys itself (crates/dateline-worker/src/config.rs).
type workerConfig struct {
	Kafka struct {
		Brokers     string   `toml:"brokers"`
		InputTopics []string `toml:"input_topics"`
		OutputTopic string   `toml:"output_topic"`
		DlqTopic    string   `toml:"dlq_topic"`
	} `toml:"kafka"`
	Metrics struct {
		Addr string `toml:"addr"`
	} `toml:"metrics"`
	Shutdown struct {
		DrainTimeoutMs *int64 `toml:"drain_timeout_ms"`
	} `toml:"shutdown"`
}

// defaultDrainTimeout is the worker's default [shutdown] drain_timeout_ms.
const defaultDrainTimeout = 20 * time.Second

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: composecheck REPO_ROOT")
		os.Exit(2)
	}
	root, err := filepath.Abs(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	composeFile := filepath.Join(root, "docker-compose.yml")

	// Like `docker compose config`: environment from the OS (an unset
	// variable takes its ${VAR:-default}), relative paths resolved.
	opts, err := cli.NewProjectOptions([]string{composeFile},
		cli.WithWorkingDirectory(root), cli.WithOsEnv, cli.WithResolvedPaths(true), cli.WithName("dateline"))
	if err != nil {
		check(false, "compose options", "%v", err)
		finish()
	}
	project, err := opts.LoadProject(context.Background())
	check(err == nil, "docker-compose.yml loads and validates (compose-go, as `docker compose config`)", "%v", err)
	if err != nil {
		finish()
	}

	want := []string{"kafka", "kafka-init", "dateline", "demo-feed", "prometheus", "grafana"}
	names := project.ServiceNames()
	for _, w := range want {
		check(slices.Contains(names, w), "service "+w+" defined", "services are %v", names)
	}
	svc := func(name string) types.ServiceConfig {
		s, err := project.GetService(name)
		if err != nil {
			check(false, "service "+name, "%v", err)
			finish()
		}
		return s
	}

	// Every bind mount's source exists (a typo would make Docker create an
	// empty directory in its place, and the service would start without config).
	for _, s := range project.Services {
		for _, v := range s.Volumes {
			if v.Type != types.VolumeTypeBind {
				continue
			}
			_, err := os.Stat(v.Source)
			check(err == nil, fmt.Sprintf("%s: bind source %s exists", s.Name, rel(root, v.Source)), "%v", err)
		}
	}

	// Kafka version: the image tag's default equals the script's pin.
	script, err := os.ReadFile(filepath.Join(root, "scripts", "kafka-local.sh"))
	check(err == nil, "scripts/kafka-local.sh readable", "%v", err)
	m := regexp.MustCompile(`(?m)^KAFKA_VERSION="\$\{KAFKA_VERSION:-([^}]+)\}"`).FindSubmatch(script)
	scriptVersion := ""
	if m != nil {
		scriptVersion = string(m[1])
	}
	check(scriptVersion != "", "kafka-local.sh pins KAFKA_VERSION", "no KAFKA_VERSION=\"${KAFKA_VERSION:-x}\" line")
	if os.Getenv("KAFKA_VERSION") == "" {
		for _, name := range []string{"kafka", "kafka-init"} {
			image := svc(name).Image
			check(image == "apache/kafka:"+scriptVersion, name+" image matches kafka-local.sh",
				"%s uses %s, the script pins %s", name, image, scriptVersion)
		}
	}

	// Broker settings: every server property that both the script and the
	// compose service set (KAFKA_FOO_BAR is foo.bar) has the same value, apart
	// from the listener layout, which differs on purpose (containers need an
	// INTERNAL listener).
	kafka := svc("kafka")
	scriptVars := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^([A-Z_]+)="\$\{[A-Z_]+:-([^}]*)\}"`).FindAllSubmatch(script, -1) {
		scriptVars[string(m[1])] = string(m[2])
	}
	scriptProps := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^([a-z][a-z.]+)=(.*)$`).FindAllSubmatch(script, -1) {
		v := string(m[2])
		if strings.HasPrefix(v, "$") {
			d, ok := scriptVars[strings.TrimPrefix(v, "$")]
			if !ok {
				continue // host-specific (ports, paths)
			}
			v = d
		}
		scriptProps[string(m[1])] = v
	}
	layout := map[string]bool{"listeners": true, "advertised.listeners": true, "listener.security.protocol.map": true,
		"inter.broker.listener.name": true, "controller.listener.names": true, "controller.quorum.voters": true,
		"log.dirs": true, "node.id": true}
	compared := 0
	envNames := make([]string, 0, len(kafka.Environment))
	for name := range kafka.Environment {
		envNames = append(envNames, name)
	}
	slices.Sort(envNames)
	for _, name := range envNames {
		value := kafka.Environment[name]
		if !strings.HasPrefix(name, "KAFKA_") || value == nil {
			continue
		}
		prop := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(name, "KAFKA_"), "_", "."))
		want, ok := scriptProps[prop]
		if !ok || layout[prop] {
			continue
		}
		compared++
		check(*value == want, "kafka "+prop+" as in kafka-local.sh", "compose %s=%q, script %s=%s", name, *value, prop, want)
	}
	check(compared >= 10, "broker settings compared with kafka-local.sh", "only %d in common", compared)

	// The worker's config: brokers on the INTERNAL listener, topics created by
	// kafka-init, metrics port scraped by Prometheus.
	var cfg workerConfig
	cfgPath := filepath.Join(root, "deploy", "dateline.toml")
	_, err = toml.DecodeFile(cfgPath, &cfg)
	check(err == nil, "deploy/dateline.toml parses", "%v", err)

	internal := ""
	if adv := kafka.Environment["KAFKA_ADVERTISED_LISTENERS"]; adv != nil {
		for _, l := range strings.Split(*adv, ",") {
			if strings.HasPrefix(l, "INTERNAL://") {
				internal = strings.TrimPrefix(l, "INTERNAL://")
			}
		}
	}
	check(internal != "" && cfg.Kafka.Brokers == internal, "worker config points at the INTERNAL listener",
		"deploy/dateline.toml kafka.brokers = %q, kafka advertises INTERNAL %q", cfg.Kafka.Brokers, internal)

	initScript := strings.Join(svc("kafka-init").Command, "\n")
	created := map[string]bool{}
	for _, m := range regexp.MustCompile(`--topic\s+(\S+)`).FindAllStringSubmatch(initScript, -1) {
		created[m[1]] = true
	}
	topics := append(append([]string{}, cfg.Kafka.InputTopics...), cfg.Kafka.OutputTopic, cfg.Kafka.DlqTopic)
	for _, t := range topics {
		check(t != "" && created[t], fmt.Sprintf("kafka-init creates topic %q", t),
			"deploy/dateline.toml uses it, kafka-init creates %v", keys(created))
	}
	feed := strings.Join(svc("demo-feed").Command, " ")
	feedTopic := regexp.MustCompile(`--topic\s+(\S+)`).FindStringSubmatch(feed)
	check(feedTopic != nil && slices.Contains(cfg.Kafka.InputTopics, feedTopic[1]), "demo-feed writes to an input topic",
		"demo-feed command %q, input topics %v", feed, cfg.Kafka.InputTopics)

	worker := svc("dateline")
	addr := cfg.Metrics.Addr
	if e := worker.Environment["DATELINE_METRICS_ADDR"]; e != nil {
		addr = *e // the environment beats the file
	}
	_, port, err := net.SplitHostPort(addr)
	check(err == nil, "worker metrics address is host:port", "%q: %v", addr, err)
	published := false
	for _, p := range worker.Ports {
		published = published || strconv.Itoa(int(p.Target)) == port
	}
	check(published, "worker metrics port "+port+" published", "ports %v", worker.Ports)

	var prom struct {
		ScrapeConfigs []struct {
			JobName       string `yaml:"job_name"`
			StaticConfigs []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	promYAML, err := os.ReadFile(filepath.Join(root, "deploy", "prometheus", "prometheus.yml"))
	if err == nil {
		err = yaml.Unmarshal(promYAML, &prom)
	}
	check(err == nil, "deploy/prometheus/prometheus.yml parses", "%v", err)
	var targets []string
	for _, sc := range prom.ScrapeConfigs {
		if sc.JobName == "dateline" {
			for _, st := range sc.StaticConfigs {
				targets = append(targets, st.Targets...)
			}
		}
	}
	check(slices.Contains(targets, "dateline:"+port), "Prometheus scrapes dateline:"+port,
		"job dateline targets %v", targets)

	// Grafana's datasource points at the prometheus service.
	ds, err := os.ReadFile(filepath.Join(root, "deploy", "grafana", "provisioning", "datasources", "prometheus.yml"))
	check(err == nil && strings.Contains(string(ds), "url: http://prometheus:9090"),
		"Grafana datasource points at prometheus:9090", "%v", err)

	// SIGKILL must not cut the drain short.
	drain := defaultDrainTimeout
	if cfg.Shutdown.DrainTimeoutMs != nil {
		drain = time.Duration(*cfg.Shutdown.DrainTimeoutMs) * time.Millisecond
	}
	grace := 10 * time.Second // Docker's default
	if worker.StopGracePeriod != nil {
		grace = time.Duration(*worker.StopGracePeriod)
	}
	check(grace >= drain+5*time.Second, "dateline stop_grace_period covers the drain timeout",
		"stop_grace_period %v, drain_timeout_ms %v (+5 s for the final commit)", grace, drain)

	// One-shot and non-HTTP services must not inherit the image's /healthz probe.
	fh := svc("demo-feed").HealthCheck
	check(fh != nil && fh.Disable, "demo-feed disables the image's healthcheck", "healthcheck %+v", fh)

	finish()
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func rel(root, p string) string {
	if r, err := filepath.Rel(root, p); err == nil {
		return r
	}
	return p
}

func finish() {
	fmt.Printf("composecheck: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		os.Exit(1)
	}
	os.Exit(0)
}
