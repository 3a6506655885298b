// A Pipes child in Go with only the standard library: decodes the bootstrap variables
// (base64 → zlib → JSON), reads the context, and writes messages to the channel it was given.
package main

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

func decode(name string) map[string]any {
	raw, err := base64.StdEncoding.DecodeString(os.Getenv(name))
	if err != nil {
		fail(name, err)
	}
	reader, err := zlib.NewReader(bytes.NewReader(raw))
	if err != nil {
		fail(name, err)
	}
	data, err := io.ReadAll(reader)
	if err != nil {
		fail(name, err)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		fail(name, err)
	}
	return out
}

func fail(what string, err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
	os.Exit(2)
}

func main() {
	ctxParams := decode("DAGSTER_PIPES_CONTEXT")
	var context map[string]any
	if path, ok := ctxParams["path"].(string); ok {
		data, err := os.ReadFile(path)
		if err != nil {
			fail("context file", err)
		}
		if err := json.Unmarshal(data, &context); err != nil {
			fail("context file", err)
		}
	} else {
		context, _ = ctxParams["data"].(map[string]any)
	}
	msgParams := decode("DAGSTER_PIPES_MESSAGES")
	var out io.Writer = os.Stderr
	if path, ok := msgParams["path"].(string); ok {
		file, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			fail("messages file", err)
		}
		defer file.Close()
		out = file
	} else if msgParams["stdio"] == "stdout" {
		out = os.Stdout
	}
	send := func(method string, params any) {
		line, _ := json.Marshal(map[string]any{"__dagster_pipes_version": "0.1", "method": method, "params": params})
		out.Write(append(line, '\n'))
	}
	send("opened", map[string]any{"extras": map[string]any{}})
	keys, _ := context["asset_keys"].([]any)
	send("log", map[string]any{"message": fmt.Sprintf("go child for run %v", context["run_id"]), "level": "INFO"})
	send("report_asset_materialization", map[string]any{
		"asset_key":    keys[0],
		"data_version": "go-1",
		"metadata": map[string]any{
			"rows":     map[string]any{"raw_value": 12, "type": "int"},
			"language": map[string]any{"raw_value": "go", "type": "__infer__"},
		},
	})
	send("closed", map[string]any{})
}
