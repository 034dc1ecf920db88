package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// k8sObject is the part of a Kubernetes manifest the test checks.
type k8sObject struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		CompletionMode       string   `yaml:"completionMode"`
		Completions          *int     `yaml:"completions"`
		Parallelism          *int     `yaml:"parallelism"`
		BackoffLimitPerIndex *int     `yaml:"backoffLimitPerIndex"`
		AccessModes          []string `yaml:"accessModes"`
		Template             struct {
			Spec struct {
				RestartPolicy      string         `yaml:"restartPolicy"`
				ServiceAccountName string         `yaml:"serviceAccountName"`
				InitContainers     []k8sContainer `yaml:"initContainers"`
				Containers         []k8sContainer `yaml:"containers"`
				Volumes            []struct {
					Name string `yaml:"name"`
					PVC  struct {
						ClaimName string `yaml:"claimName"`
					} `yaml:"persistentVolumeClaim"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
	Rules []struct {
		Resources []string `yaml:"resources"`
		Verbs     []string `yaml:"verbs"`
	} `yaml:"rules"`
}

type k8sContainer struct {
	Image   string   `yaml:"image"`
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	Env     []struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"env"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

func (c k8sContainer) env(name string) string {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}

// deploy/kubernetes/job.yaml parses (every document, strictly: an
// unknown or misspelt key of the parts modelled above would not be seen,
// so the checks below name what the deployment relies on) and is wired
// as README says: an Indexed Job whose DIVERGENCE_SHARDS equals its
// completions, shards and merge on the same PVC, the merge waiting for the
// shards Job with a service account allowed to read Jobs.
func TestDeployKubernetesJob(t *testing.T) {
	b, err := os.ReadFile("../../deploy/kubernetes/job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	objs := map[string]k8sObject{}
	for {
		var o k8sObject
		err := dec.Decode(&o)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("job.yaml: %v", err)
		}
		if o.APIVersion == "" || o.Kind == "" || o.Metadata.Name == "" {
			t.Fatalf("job.yaml: a document without apiVersion, kind or name: %+v", o)
		}
		objs[o.Kind+"/"+o.Metadata.Name] = o
	}
	pvc, ok := objs["PersistentVolumeClaim/divergence-shared"]
	if !ok || !slices.Contains(pvc.Spec.AccessModes, "ReadWriteMany") {
		t.Fatalf("want a ReadWriteMany PVC divergence-shared, got %v", objs)
	}
	shards, ok := objs["Job/divergence-shards"]
	if !ok {
		t.Fatal("no Job divergence-shards")
	}
	s := shards.Spec
	if s.CompletionMode != "Indexed" || s.Completions == nil || s.Parallelism == nil || *s.Parallelism > *s.Completions || *s.Parallelism < 1 {
		t.Fatalf("shards Job: completionMode %q, completions %v, parallelism %v", s.CompletionMode, s.Completions, s.Parallelism)
	}
	if s.Template.Spec.RestartPolicy != "Never" && s.Template.Spec.RestartPolicy != "OnFailure" {
		t.Errorf("shards Job: restartPolicy %q", s.Template.Spec.RestartPolicy)
	}
	c := s.Template.Spec.Containers[0]
	if n, err := strconv.Atoi(c.env(envShards)); err != nil || n != *s.Completions {
		t.Errorf("shards Job: %s = %q, want completions %d", envShards, c.env(envShards), *s.Completions)
	}
	if len(c.Args) < 4 || c.Args[0] != "run" || !slices.Contains(c.Args, "--out") || slices.Contains(c.Args, "--shard") {
		t.Errorf("shards Job args %v: want run EXPERIMENT --out DIR, the index from JOB_COMPLETION_INDEX", c.Args)
	}
	out := c.Args[slices.Index(c.Args, "--out")+1]
	merge, ok := objs["Job/divergence-merge"]
	if !ok {
		t.Fatal("no Job divergence-merge")
	}
	m := merge.Spec.Template.Spec
	if len(m.InitContainers) != 1 || !strings.Contains(strings.Join(m.InitContainers[0].Command, " "), "--for=condition=complete") ||
		!slices.Contains(m.InitContainers[0].Command, "job/divergence-shards") {
		t.Errorf("merge Job: want an initContainer waiting for job/divergence-shards, got %+v", m.InitContainers)
	}
	mc := m.Containers[0]
	// The merge is given the shards' experiment file: a shards folder
	// holding another experiment's shards too is not refused for it.
	if len(mc.Args) != 5 || mc.Args[0] != "merge" || mc.Args[2] != out || mc.Args[3] != "--experiment" || mc.Args[4] != c.Args[1] {
		t.Errorf("merge Job args %v: want merge OUT %s --experiment %s", mc.Args, out, c.Args[1])
	}
	if mc.Image != c.Image {
		t.Errorf("merge image %s, shards image %s: the merge must be the same program version", mc.Image, c.Image)
	}
	for _, job := range []k8sObject{shards, merge} {
		sp := job.Spec.Template.Spec
		if len(sp.Volumes) != 1 || sp.Volumes[0].PVC.ClaimName != "divergence-shared" {
			t.Errorf("%s: volumes %+v, want the PVC divergence-shared", job.Metadata.Name, sp.Volumes)
		}
		ct := sp.Containers[0]
		if len(ct.VolumeMounts) != 1 || !strings.HasPrefix(out, ct.VolumeMounts[0].MountPath) {
			t.Errorf("%s: mounts %+v do not hold %s", job.Metadata.Name, ct.VolumeMounts, out)
		}
	}
	if m.ServiceAccountName == "" {
		t.Fatal("merge Job: no service account (kubectl wait needs one that may read Jobs)")
	}
	if _, ok := objs["ServiceAccount/"+m.ServiceAccountName]; !ok {
		t.Errorf("no ServiceAccount %s", m.ServiceAccountName)
	}
	role, ok := objs["Role/divergence-job-reader"]
	if !ok || !slices.Contains(role.Rules[0].Resources, "jobs") || !slices.Contains(role.Rules[0].Verbs, "watch") {
		t.Errorf("want a Role that gets and watches jobs, got %+v", role.Rules)
	}
	if _, ok := objs["RoleBinding/divergence-merge-job-reader"]; !ok {
		t.Error("no RoleBinding of the merge's service account")
	}
}

// deploy/slurm/array.sbatch is valid bash (bash -n), declares an array,
// submits the merge with afterok on the array's job id once, and runs
// shards from Slurm's variables (no --shard unless re-running one), and
// merges the shards of the experiment it ran (--experiment).
func TestDeploySlurmArray(t *testing.T) {
	const path = "../../deploy/slurm/array.sbatch"
	if out, err := exec.Command("bash", "-n", path).CombinedOutput(); err != nil {
		t.Fatalf("bash -n %s: %v\n%s", path, err, out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{"#SBATCH --array=", `--dependency="afterok:${SLURM_ARRAY_JOB_ID}"`, `"$BIN" merge "$SHARED/results" "$SHARDS_DIR" --experiment "$EXPERIMENT"` + "\n",
		`run "$EXPERIMENT" --out "$SHARDS_DIR" --quiet` + "\n", "SLURM_ARRAY_TASK_MIN", "SLURM_RESTART_COUNT"} {
		if !strings.Contains(s, want) {
			t.Errorf("%s lacks %q", path, want)
		}
	}
}
