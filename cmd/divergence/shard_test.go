package main

import (
	"strings"
	"testing"
)

func TestShardFrom(t *testing.T) {
	for _, tc := range []struct {
		name   string
		flag   string
		shards int
		env    map[string]string
		want   string // "I/N source" or "" for none
		err    string
	}{
		{name: "none", want: ""},
		{name: "flag", flag: "1/4", want: "1/4 --shard 1/4"},
		{name: "flag wins over env", flag: "0/2", env: map[string]string{"JOB_COMPLETION_INDEX": "1", "DIVERGENCE_SHARDS": "2"}, want: "0/2 --shard 0/2"},
		{name: "k8s env", env: map[string]string{"JOB_COMPLETION_INDEX": "3", "DIVERGENCE_SHARDS": "4"}, want: "3/4 kubernetes: JOB_COMPLETION_INDEX=3, DIVERGENCE_SHARDS=4"},
		{name: "k8s --shards", shards: 8, env: map[string]string{"JOB_COMPLETION_INDEX": "7"}, want: "7/8 kubernetes: JOB_COMPLETION_INDEX=7, --shards=8"},
		{name: "k8s --shards agrees", shards: 4, env: map[string]string{"JOB_COMPLETION_INDEX": "1", "DIVERGENCE_SHARDS": "4"}, want: "1/4 kubernetes: JOB_COMPLETION_INDEX=1, --shards=4"},
		// --shards once overrode a DIVERGENCE_SHARDS of another count.
		{name: "k8s --shards disagrees", shards: 8, env: map[string]string{"JOB_COMPLETION_INDEX": "1", "DIVERGENCE_SHARDS": "4"}, err: "--shards 8 and DIVERGENCE_SHARDS=4 disagree on the shard count"},
		{name: "k8s --shards bad DIVERGENCE_SHARDS", shards: 8, env: map[string]string{"JOB_COMPLETION_INDEX": "1", "DIVERGENCE_SHARDS": "x"}, err: `DIVERGENCE_SHARDS="x"`},
		{name: "k8s no count", env: map[string]string{"JOB_COMPLETION_INDEX": "0"}, err: "DIVERGENCE_SHARDS"},
		{name: "k8s out of range", env: map[string]string{"JOB_COMPLETION_INDEX": "4", "DIVERGENCE_SHARDS": "4"}, err: "index must be 0 to 3"},
		{name: "slurm from 0", env: map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0"}, want: "2/4 slurm: SLURM_ARRAY_TASK_ID=2, SLURM_ARRAY_TASK_COUNT=4, SLURM_ARRAY_TASK_MIN=0"},
		{name: "slurm from 1", env: map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"}, want: "3/4 slurm: SLURM_ARRAY_TASK_ID=4, SLURM_ARRAY_TASK_COUNT=4, SLURM_ARRAY_TASK_MIN=1"},
		{name: "slurm step", env: map[string]string{"SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2"}, want: "3/4 slurm: SLURM_ARRAY_TASK_ID=6, SLURM_ARRAY_TASK_COUNT=4, SLURM_ARRAY_TASK_MIN=0, SLURM_ARRAY_TASK_STEP=2"},
		{name: "slurm no count", env: map[string]string{"SLURM_ARRAY_TASK_ID": "1"}, err: "SLURM_ARRAY_TASK_COUNT"},
		{name: "slurm id past min", env: map[string]string{"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "4"}, err: "index must be 0 to 3"},
		{name: "both", env: map[string]string{"SLURM_ARRAY_TASK_ID": "1", "JOB_COMPLETION_INDEX": "1"}, err: "give --shard"},
		{name: "bad number", env: map[string]string{"JOB_COMPLETION_INDEX": "x", "DIVERGENCE_SHARDS": "2"}, err: `JOB_COMPLETION_INDEX="x"`},
		{name: "--shards alone", shards: 3, err: "--shards 3"},
		// DIVERGENCE_SHARDS stands for --shards: alone (a Job that is not
		// Indexed) it ran the whole experiment in every pod; beside a Slurm
		// array of another count it was ignored.
		{name: "DIVERGENCE_SHARDS alone", env: map[string]string{"DIVERGENCE_SHARDS": "4"}, err: "DIVERGENCE_SHARDS=4 is set but neither JOB_COMPLETION_INDEX"},
		{name: "slurm DIVERGENCE_SHARDS agrees", env: map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4", "DIVERGENCE_SHARDS": "4"}, want: "2/4 slurm: SLURM_ARRAY_TASK_ID=2, SLURM_ARRAY_TASK_COUNT=4"},
		{name: "slurm DIVERGENCE_SHARDS disagrees", env: map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4", "DIVERGENCE_SHARDS": "8"}, err: "DIVERGENCE_SHARDS=8: the array and the count disagree"},
		{name: "slurm bad DIVERGENCE_SHARDS", env: map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4", "DIVERGENCE_SHARDS": "x"}, err: `DIVERGENCE_SHARDS="x"`},
		{name: "flag count disagrees", flag: "1/4", shards: 3, err: "disagree"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := shardFrom(tc.flag, tc.shards, func(k string) string { return tc.env[k] })
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if s != nil {
				got = s.String() + " " + s.Source
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
