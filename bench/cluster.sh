#!/usr/bin/env bash
# bench/cluster: map over two agents that reach redis-server over a network, each in a
# network namespace of its own (ip netns + veth pairs on a bridge), as on separate machines.
# Needs root. Addresses are private to the namespaces this script makes (10.77.0.0/24) and
# removed at the end; nothing leaves this machine.
#
#   ns ezq-redis  10.77.0.2  redis-server
#   ns ezq-a1     10.77.0.3  ezq worker --concurrency 1
#   ns ezq-a2     10.77.0.4  ezq worker --concurrency 1
#   root          10.77.0.1  the caller: map(..., { cluster: "redis://10.77.0.2:6390" })
#
# Usage: npm run build && bash bench/cluster.sh [ITEMS]
set -euo pipefail
cd "$(dirname "$0")/.."
ITEMS="${1:-100000}"
export EZQ_SECRET="${EZQ_SECRET:-$(openssl rand -hex 32)}"
NAMESPACES=(ezq-redis ezq-a1 ezq-a2)
BR=ezqbr0
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  ip link del "$BR" 2>/dev/null || true
  ip link del ezq-root 2>/dev/null || true
}
trap cleanup EXIT
cleanup

ip link add "$BR" type bridge
ip link set "$BR" up
ip link add ezq-root type veth peer name ezq-root-br
ip link set ezq-root-br master "$BR" up
ip addr add 10.77.0.1/24 dev ezq-root
ip link set ezq-root up
i=2
for ns in "${NAMESPACES[@]}"; do
  ip netns add "$ns"
  ip link add "$ns-v" type veth peer name "$ns-b"
  ip link set "$ns-b" master "$BR" up
  ip link set "$ns-v" netns "$ns"
  ip -n "$ns" addr add "10.77.0.$i/24" dev "$ns-v"
  ip -n "$ns" link set "$ns-v" up
  ip -n "$ns" link set lo up
  i=$((i + 1))
done

DIR=$(mktemp -d)
ip netns exec ezq-redis redis-server --port 6390 --bind 10.77.0.2 --protected-mode no \
  --dir "$DIR" --save '' --appendonly no >/dev/null &
PIDS+=($!)
sleep 0.5
URL=redis://10.77.0.2:6390
for ns in ezq-a1 ezq-a2; do
  ip netns exec "$ns" node dist/cli/ezq.js worker "$URL" --concurrency 1 &
  PIDS+=($!)
done
sleep 1

node --input-type=module -e "
import { map } from './dist/index.js';
const n = Number(process.argv[1]);
const items = Array.from({ length: n }, (_, i) => i);
await map((x) => x * 2, items.slice(0, 1000), { cluster: '$URL' });
const runs = [];
for (let r = 0; r < 5; r++) {
  const t = performance.now();
  const out = await map((x) => x * 2, items, { cluster: '$URL' });
  if (out[n - 1] !== 2 * (n - 1)) throw new Error('wrong result');
  runs.push(n / (performance.now() - t) * 1000);
}
runs.sort((a, b) => a - b);
console.log(JSON.stringify({ items: n, itemsPerSecond: runs.map(Math.round), median: Math.round(runs[2]) }));
process.exit(0);
" "$ITEMS"
rm -rf "$DIR"
