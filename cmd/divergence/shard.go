package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/results"
)

// The environment variables a shard's index and count come from when
// --shard is not given (read here only: experiment reads no environment).
const (
	// envK8sIndex is set by Kubernetes in each pod of an Indexed Job:
	// 0 to completions − 1. Kubernetes sets no count, so the job sets
	// envShards from spec.completions (deploy/kubernetes/job.yaml).
	envK8sIndex = "JOB_COMPLETION_INDEX"
	// envShards is the shard count beside JOB_COMPLETION_INDEX (or
	// --shards).
	envShards = "DIVERGENCE_SHARDS"
	// Slurm job arrays: the task's id, the number of tasks, the lowest id
	// (an array may start at 1: --array=1-8) and the step (--array=0-14:2).
	envSlurmID    = "SLURM_ARRAY_TASK_ID"
	envSlurmCount = "SLURM_ARRAY_TASK_COUNT"
	envSlurmMin   = "SLURM_ARRAY_TASK_MIN"
	envSlurmStep  = "SLURM_ARRAY_TASK_STEP"
)

// shardFrom decides which shard this process runs: --shard I/N when
// given, else Kubernetes' JOB_COMPLETION_INDEX with the count from
// --shards or DIVERGENCE_SHARDS (both set, they must agree), else Slurm's SLURM_ARRAY_TASK_ID with
// SLURM_ARRAY_TASK_COUNT (index = (id − SLURM_ARRAY_TASK_MIN) /
// SLURM_ARRAY_TASK_STEP; --shards or DIVERGENCE_SHARDS, when set, must
// equal the count). nil: not sharded (DIVERGENCE_SHARDS without an index
// is an error, as --shards alone). The Shard's Source records which, for
// shard.json.
func shardFrom(flagShard string, flagShards int, getenv func(string) string) (*experiment.Shard, error) {
	if flagShard != "" {
		s, err := experiment.ParseShard(flagShard)
		if err != nil {
			return nil, fmt.Errorf("--shard: %w", err)
		}
		if flagShards != 0 && flagShards != s.Count {
			return nil, fmt.Errorf("--shard %s and --shards %d disagree on the count", flagShard, flagShards)
		}
		s.Source = "--shard " + s.String()
		return &s, nil
	}
	k8s, slurm := getenv(envK8sIndex), getenv(envSlurmID)
	switch {
	case k8s != "" && slurm != "":
		return nil, fmt.Errorf("both %s=%s (Kubernetes) and %s=%s (Slurm) are set: give --shard I/N", envK8sIndex, k8s, envSlurmID, slurm)
	case k8s != "":
		i, err := envInt(envK8sIndex, k8s)
		if err != nil {
			return nil, err
		}
		n, src := flagShards, "--shards"
		if v := getenv(envShards); n != 0 && v != "" {
			// Both given: --shards once overrode the Job's count in
			// silence (the Slurm branch refuses a DIVERGENCE_SHARDS that
			// is not the array's count).
			if c, err := envInt(envShards, v); err != nil {
				return nil, err
			} else if c != n {
				return nil, fmt.Errorf("%s=%s: --shards %d and %s=%d disagree on the shard count: give one (the Job's spec.completions)", envK8sIndex, k8s, n, envShards, c)
			}
		}
		if n == 0 {
			v := getenv(envShards)
			if v == "" {
				return nil, fmt.Errorf("%s=%s is set but not the shard count: set %s (the Job's spec.completions; see deploy/kubernetes/job.yaml) or --shards N", envK8sIndex, k8s, envShards)
			}
			if n, err = envInt(envShards, v); err != nil {
				return nil, err
			}
			src = envShards
		}
		s := experiment.Shard{Index: i, Count: n, Source: fmt.Sprintf("kubernetes: %s=%d, %s=%d", envK8sIndex, i, src, n)}
		if err := s.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", s.Source, err)
		}
		return &s, nil
	case slurm != "":
		id, err := envInt(envSlurmID, slurm)
		if err != nil {
			return nil, err
		}
		cs := getenv(envSlurmCount)
		if cs == "" {
			return nil, fmt.Errorf("%s=%s is set but not %s: run inside a Slurm job array (sbatch --array)", envSlurmID, slurm, envSlurmCount)
		}
		n, err := envInt(envSlurmCount, cs)
		if err != nil {
			return nil, err
		}
		lo, step := 0, 1
		src := fmt.Sprintf("slurm: %s=%d, %s=%d", envSlurmID, id, envSlurmCount, n)
		if v := getenv(envSlurmMin); v != "" {
			if lo, err = envInt(envSlurmMin, v); err != nil {
				return nil, err
			}
			src += fmt.Sprintf(", %s=%d", envSlurmMin, lo)
		}
		if v := getenv(envSlurmStep); v != "" && v != "1" {
			if step, err = envInt(envSlurmStep, v); err != nil {
				return nil, err
			}
			if step < 1 {
				return nil, fmt.Errorf("%s=%d: want a step ≥ 1", envSlurmStep, step)
			}
			src += fmt.Sprintf(", %s=%d", envSlurmStep, step)
		}
		if (id-lo)%step != 0 {
			return nil, fmt.Errorf("%s: task id %d is not min + k × step", src, id)
		}
		if flagShards != 0 && flagShards != n {
			return nil, fmt.Errorf("%s but --shards %d: the array and the flag disagree", src, flagShards)
		}
		// DIVERGENCE_SHARDS stands for --shards: a count that is not the
		// array's was ignored, and each task ran its shard of another N.
		if v := getenv(envShards); v != "" && flagShards == 0 {
			if c, err := envInt(envShards, v); err != nil {
				return nil, err
			} else if c != n {
				return nil, fmt.Errorf("%s but %s=%d: the array and the count disagree (an array of N tasks is N shards: --array=0-%d)", src, envShards, c, c-1)
			}
		}
		s := experiment.Shard{Index: (id - lo) / step, Count: n, Source: src}
		if err := s.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w (the array's ids must run from %s to %s + (%s − 1) × step)", src, err, envSlurmMin, envSlurmMin, envSlurmCount)
		}
		return &s, nil
	}
	if flagShards != 0 {
		return nil, fmt.Errorf("--shards %d: gives the count beside %s (Kubernetes); for one shard give --shard I/N", flagShards, envK8sIndex)
	}
	if v := getenv(envShards); v != "" {
		// As --shards alone: a pod of a Job that is not Indexed (no
		// JOB_COMPLETION_INDEX) ran the whole experiment, unsharded, in
		// every pod.
		return nil, fmt.Errorf("%s=%s is set but neither %s (Kubernetes: an Indexed Job, completionMode: Indexed) nor %s (Slurm): for one shard give --shard I/N; to run the whole experiment unset %s", envShards, v, envK8sIndex, envSlurmID, envShards)
	}
	return nil, nil
}

func envInt(name, v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("%s=%q: want a whole number", name, v)
	}
	return n, nil
}

// programBuild is this program's build for shard.json and the merge
// (experiment.Options.Build): the SHA-256 of its executable. The version
// alone is the same for every build between two releases, so shards run
// by programs of different code (a fix of a metric between two builds)
// were merged side by side; the executable's bytes tell them apart
// (Go's builds are reproducible: one source, toolchain and flags give
// one file, the image every pod of a Job runs or the binary every task
// of an array shares).
func programBuild() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("the program's own file, whose sha256 a shard records: %w", err)
	}
	sha, err := results.Fingerprint(exe)
	if err != nil {
		return "", fmt.Errorf("the program's own file, whose sha256 a shard records: %w", err)
	}
	return sha, nil
}
