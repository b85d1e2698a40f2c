package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ShardIDs reads discord.shard_ids: the shards this process runs, as a list of ids and
// ranges ("0-3", "0,2,4-5"), checked against count, the shard count. An empty spec means
// every shard: 0 to count-1. The result is sorted and without repeats.
func ShardIDs(spec string, count int) ([]int, error) {
	if count < 1 {
		return nil, fmt.Errorf("the shard count %d is not a positive number", count)
	}
	spec = strings.TrimSpace(spec)
	if spec == "" {
		ids := make([]int, count)
		for i := range ids {
			ids[i] = i
		}
		return ids, nil
	}
	var ids []int
	for _, part := range strings.Split(spec, ",") {
		lo, hi, err := shardRange(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		if hi >= count {
			return nil, fmt.Errorf("shard %d is outside the shard count %d (ids run from 0 to %d)", hi, count, count-1)
		}
		for id := lo; id <= hi; id++ {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// shardRange reads "3" or "0-3".
func shardRange(part string) (lo, hi int, err error) {
	first, last, isRange := strings.Cut(part, "-")
	lo, err = strconv.Atoi(strings.TrimSpace(first))
	if err == nil && isRange {
		hi, err = strconv.Atoi(strings.TrimSpace(last))
	} else {
		hi = lo
	}
	if err != nil || lo < 0 || hi < lo {
		return 0, 0, fmt.Errorf("%q is not a shard id or range; write ids and ranges like 0-3,5", part)
	}
	return lo, hi, nil
}
