#!/bin/sh
# A Pipes child with no client at all: JSON lines printed to stderr (the stdio channel).
V='"__dagster_pipes_version":"0.1"'
msg() { printf '{%s,"method":"%s","params":%s}\n' "$V" "$1" "$2" >&2; }

msg opened '{"extras":{}}'
echo "plain stderr from shell" >&2
echo "plain stdout from shell"
echo '{"just":"json, not pipes"}' >&2
msg log '{"message":"shell says hi","level":"INFO"}'
msg bogus_method '{}'
echo '{"__dagster_pipes_version":"0.1","method":"log","params":{"message":"unterminated' >&2
msg report_asset_materialization '{"asset_key":null,"data_version":null,"metadata":{"rows":{"raw_value":3,"type":"int"},"bad":{"raw_value":"x","type":"int"}}}'
msg report_asset_check '{"asset_key":null,"check_name":"non_empty","passed":true,"severity":"WARN","metadata":null}'
msg report_custom_message '{"payload":{"from":"shell"}}'
if [ "${1:-}" = "fail" ]; then
  echo "shell failing now" >&2
  msg closed '{"exception":{"name":"ShellError","message":"the shell gave up","stack":[],"cause":null,"context":null}}'
  exit 3
fi
msg closed '{}'
