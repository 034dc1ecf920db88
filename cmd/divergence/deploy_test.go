package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"regexp"
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
				RestartPolicy   string `yaml:"restartPolicy"`
				SecurityContext struct {
					FSGroup             *int   `yaml:"fsGroup"`
					FSGroupChangePolicy string `yaml:"fsGroupChangePolicy"`
				} `yaml:"securityContext"`
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
	if len(m.InitContainers) != 1 {
		t.Fatalf("merge Job: want an initContainer waiting for job/divergence-shards, got %+v", m.InitContainers)
	}
	testWaitForShards(t, m.InitContainers[0])
	// The wait runs `sh -c` with kubectl, date and sleep: an image with a
	// shell and kubectl that can still be pulled. Bitnami's Docker Hub
	// images lost their version tags in 2025 (moved to bitnamilegacy, no
	// updates): bitnami/kubectl:1.31 no longer pulls, so the merge Job
	// hung in ImagePullBackOff and never merged.
	if img := m.InitContainers[0].Image; strings.HasPrefix(img, "bitnami/") || strings.HasPrefix(img, "docker.io/bitnami/") || !strings.Contains(img, ":") {
		t.Errorf("merge Job's initContainer image %q: want a pinned image that still pulls (alpine/kubectl:VERSION has sh and kubectl)", img)
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
	// The image runs as deploy/Dockerfile's USER; a fresh volume's root
	// is root's, not writable by it: the pods ask Kubernetes to give the
	// volume that group (fsGroup; once, where its root differs), or the
	// shards failed at once on creating /shared/results/shards.
	df, err := os.ReadFile("../../deploy/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	user := regexp.MustCompile(`(?m)^USER (\d+):(\d+)`).FindStringSubmatch(string(df))
	if user == nil {
		t.Fatal("deploy/Dockerfile: no USER uid:gid")
	}
	gid, _ := strconv.Atoi(user[2])
	for _, job := range []k8sObject{shards, merge} {
		sc := job.Spec.Template.Spec.SecurityContext
		if sc.FSGroup == nil || *sc.FSGroup != gid || sc.FSGroupChangePolicy != "OnRootMismatch" {
			t.Errorf("%s: securityContext %+v: want fsGroup %d (the image's group), fsGroupChangePolicy OnRootMismatch", job.Metadata.Name, sc, gid)
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

// testWaitForShards runs the merge Job's initContainer, its command and
// environment, against a fake kubectl that reports the shards Job's
// conditions in turn: it ends at once with the shards Job Complete (0) or
// Failed (1: a `kubectl wait --for=condition=complete` waited out its 24h
// on a failed Job), and fails once its time is out.
func testWaitForShards(t *testing.T, c k8sContainer) {
	for _, tc := range []struct {
		name    string
		states  []string // the conditions kubectl reports, one per call (the last repeated)
		timeout string
		code    int
		stderr  string
	}{
		{name: "complete", states: []string{"SuccessCriteriaMet Complete "}},
		{name: "running then complete", states: []string{"", "", "Complete "}},
		{name: "failed", states: []string{"", "FailureTarget Failed "}, code: 1, stderr: "job/divergence-shards failed"},
		{name: "api error then complete", states: []string{"!", "Complete "}},
		{name: "time out", states: []string{""}, timeout: "0", code: 1, stderr: "not complete after 0s"},
	} {
		t.Run("wait "+tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for i, st := range tc.states {
				if err := os.WriteFile(dir+"/state"+strconv.Itoa(i), []byte(st), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			// The fake: its arguments logged, then state<n> printed (the
			// last once past them), "!" an API error.
			fake := `#!/bin/sh
d=$(dirname "$0")
echo "$*" >> "$d/calls"
n=$(wc -l < "$d/calls")
i=$((n - 1)); [ -f "$d/state$i" ] || i=` + strconv.Itoa(len(tc.states)-1) + `
s=$(cat "$d/state$i")
[ "$s" = "!" ] && { echo "connection refused" >&2; exit 1; }
printf '%s' "$s"
`
			if err := os.WriteFile(dir+"/kubectl", []byte(fake), 0o755); err != nil {
				t.Fatal(err)
			}
			// The fake first on PATH, for the command itself too (a real
			// kubectl may be installed).
			t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
			cmd := exec.Command(c.Command[0], c.Command[1:]...)
			cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
			for _, e := range c.Env {
				v := e.Value
				switch {
				case e.Name == "WAIT_POLL_SECONDS":
					v = "0"
				case e.Name == "WAIT_TIMEOUT_SECONDS" && tc.timeout != "":
					v = tc.timeout
				}
				cmd.Env = append(cmd.Env, e.Name+"="+v)
			}
			var errb bytes.Buffer
			cmd.Stderr = &errb
			err := cmd.Run()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.code || !strings.Contains(errb.String(), tc.stderr) {
				t.Errorf("exit %d, stderr %q; want %d, %q", code, errb.String(), tc.code, tc.stderr)
			}
			calls, _ := os.ReadFile(dir + "/calls")
			lines := strings.Split(strings.TrimSpace(string(calls)), "\n")
			if want := max(len(tc.states), 1); len(lines) < want || !strings.Contains(lines[0], "job/divergence-shards") {
				t.Errorf("kubectl called %q: want at least %d calls on job/divergence-shards", lines, want)
			}
		})
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
	// Every DIVERGENCE_ variable the script reads is named in its header
	// (DIVERGENCE_BIN and DIVERGENCE_SCRIPT were read and not described).
	var header []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "#SBATCH") {
			header = append(header, l)
		}
	}
	head := strings.Join(header, "\n")
	for _, m := range regexp.MustCompile(`\$\{?(DIVERGENCE_[A-Z_]+)`).FindAllStringSubmatch(s, -1) {
		if !regexp.MustCompile(`\b` + m[1] + `\b`).MatchString(head) {
			t.Errorf("%s reads %s, which its header does not describe", path, m[1])
		}
	}
	for _, want := range []string{"#SBATCH --array=", `--dependency="afterok:${SLURM_ARRAY_JOB_ID}"`, `"$BIN" merge "$SHARED/results" "$SHARDS_DIR" --experiment "$EXPERIMENT"` + "\n",
		`run "$EXPERIMENT" --out "$SHARDS_DIR" --quiet` + "\n", "SLURM_ARRAY_TASK_MIN", "SLURM_RESTART_COUNT"} {
		if !strings.Contains(s, want) {
			t.Errorf("%s lacks %q", path, want)
		}
	}
}

// slurmTask runs deploy/slurm/array.sbatch as one Slurm task would, with
// the given variables, a fake sbatch on PATH and a fake divergence as
// DIVERGENCE_BIN, each of which logs its arguments. It returns the logged
// calls (one a line: "sbatch ARGS" or "divergence ARGS"), the script's
// stderr and its exit code.
func slurmTask(t *testing.T, env map[string]string) (calls []string, stderr string, code int) {
	t.Helper()
	dir := t.TempDir()
	log := dir + "/calls"
	for _, name := range []string{"sbatch", "divergence"} {
		fake := "#!/bin/sh\necho \"" + name + " $*\" >> " + log + "\n"
		if err := os.WriteFile(dir+"/"+name, []byte(fake), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	script, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	script += "/../../deploy/slurm/array.sbatch"
	cmd := exec.Command("bash", script, "exp.toml")
	cmd.Env = []string{"PATH=" + dir + ":" + os.Getenv("PATH"), "HOME=" + dir, "DIVERGENCE_BIN=" + dir + "/divergence", "DIVERGENCE_SHARED=" + dir + "/shared"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	b, err := os.ReadFile(log)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	if s := strings.TrimSpace(string(b)); s != "" {
		calls = strings.Split(s, "\n")
	}
	return calls, errb.String(), code
}

// Every task of a Slurm array, run through the script as Slurm would run
// it: one merge per merge submission whatever its --array (submitted
// without --array=0, the script's own --array=0-15 starts 16 merge tasks,
// which all merged and all but one failed on the lock), one merge
// submission (--array=0) per shards array, one shard run per task; and
// the documented manual merge asks for one task.
func TestDeploySlurmTasks(t *testing.T) {
	for _, tc := range []struct {
		name          string
		ids           []int
		env           map[string]string
		merges, sbats int
		runs          int
		refused       string // the script exits non-zero saying this, calling nothing
	}{
		{name: "merge array from 0", ids: seq(0, 15), env: map[string]string{"DIVERGENCE_MERGE": "1", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "16"}, merges: 1},
		{name: "merge array from 1", ids: seq(1, 16), env: map[string]string{"DIVERGENCE_MERGE": "1", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "16"}, merges: 1},
		{name: "merge --array=0", ids: seq(0, 0), env: map[string]string{"DIVERGENCE_MERGE": "1", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "1"}, merges: 1},
		{name: "shards", ids: seq(0, 15), env: map[string]string{"SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "16", "SLURM_ARRAY_JOB_ID": "77"}, sbats: 1, runs: 16},
		{name: "shards from 1", ids: seq(1, 16), env: map[string]string{"SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "16", "SLURM_ARRAY_JOB_ID": "77"}, sbats: 1, runs: 16},
		{name: "one shard, one task", ids: seq(0, 0), env: map[string]string{"SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "1", "SLURM_ARRAY_JOB_ID": "77"}, sbats: 1, runs: 1},
		{name: "re-run shard 3", ids: seq(3, 3), env: map[string]string{"SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_COUNT": "1", "SLURM_ARRAY_JOB_ID": "77", "DIVERGENCE_SHARD": "3/16"}, runs: 1},
		// sbatch --array=3 without DIVERGENCE_SHARD ran the whole
		// experiment as shard 0 of 1 and submitted another merge.
		{name: "re-run without DIVERGENCE_SHARD", ids: seq(3, 3), env: map[string]string{"SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_COUNT": "1", "SLURM_ARRAY_JOB_ID": "77"},
			refused: "To re-run shard I of N: sbatch --array=I --export=ALL,DIVERGENCE_SHARD=I/N"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var merges, sbats, runs int
			for _, id := range tc.ids {
				env := map[string]string{"SLURM_ARRAY_TASK_ID": strconv.Itoa(id)}
				for k, v := range tc.env {
					env[k] = v
				}
				calls, stderr, code := slurmTask(t, env)
				if tc.refused != "" {
					if code == 0 || !strings.Contains(stderr, tc.refused) || len(calls) > 0 {
						t.Errorf("task %d: exit %d, calls %q, stderr %q; want a refusal saying %q", id, code, calls, stderr, tc.refused)
					}
					continue
				}
				if code != 0 {
					t.Fatalf("task %d: exit %d: %s", id, code, stderr)
				}
				for _, c := range calls {
					switch {
					case strings.HasPrefix(c, "divergence merge "):
						merges++
					case strings.HasPrefix(c, "divergence run "):
						runs++
					case strings.HasPrefix(c, "sbatch "):
						sbats++
						if !strings.Contains(c, " --array=0 ") || !strings.Contains(c, "--dependency=afterok:77") || !strings.Contains(c, "DIVERGENCE_MERGE=1") {
							t.Errorf("task %d submits %q: want one merge task after the array", id, c)
						}
					default:
						t.Errorf("task %d: unexpected call %q", id, c)
					}
				}
			}
			if merges != tc.merges || sbats != tc.sbats || runs != tc.runs {
				t.Errorf("merges %d, merge submissions %d, runs %d; want %d, %d, %d", merges, sbats, runs, tc.merges, tc.sbats, tc.runs)
			}
		})
	}
	// The manual merge as documented (README, the script's header) asks
	// for one task.
	for _, path := range []string{"../../README.md", "../../deploy/slurm/array.sbatch"} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, "sbatch ") && strings.Contains(line, "DIVERGENCE_MERGE=1") && strings.Contains(line, "array.sbatch") {
				n++
				if !strings.Contains(line, "--array=0 ") {
					t.Errorf("%s: %q: a manual merge without --array=0 starts one merge per array task", path, line)
				}
			}
		}
		if n == 0 {
			t.Errorf("%s documents no manual merge", path)
		}
	}
}

// seq is lo, lo+1, …, hi.
func seq(lo, hi int) []int {
	var s []int
	for i := lo; i <= hi; i++ {
		s = append(s, i)
	}
	return s
}

// The command lines the deployments run are read by this program's own
// flag parser with their environment: each goes past its flags (and the
// shard index and count the scheduler gives) to the missing experiment
// file or shard folder, not to a flag error; the Slurm script's shards
// and merge as the fake divergence logged them, the Kubernetes Jobs'
// args as job.yaml gives them.
func TestDeployCommandsParse(t *testing.T) {
	check := func(name string, args []string, env map[string]string, want string) {
		t.Helper()
		for _, k := range []string{envK8sIndex, envShards, envSlurmID, envSlurmCount, envSlurmMin, envSlurmStep} {
			t.Setenv(k, "")
		}
		for k, v := range env {
			t.Setenv(k, v)
		}
		_, _, err := cli(t, args...)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: divergence %q: %v; want an error naming %s (the flags and the shard parsed)", name, args, err, want)
		}
	}
	// Kubernetes: the shards Job's pod of index 1, and the merge.
	b, err := os.ReadFile("../../deploy/kubernetes/job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var o k8sObject
		if err := dec.Decode(&o); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if o.Kind != "Job" {
			continue
		}
		c := o.Spec.Template.Spec.Containers[0]
		env := map[string]string{}
		for _, e := range c.Env {
			env[e.Name] = e.Value
		}
		if o.Spec.CompletionMode == "Indexed" {
			env[envK8sIndex] = "1"
		}
		want := c.Args[1] // the experiment file, or the merge's shard folders
		if c.Args[0] == "merge" {
			want = c.Args[2]
		}
		check("job.yaml "+o.Metadata.Name, c.Args, env, want)
	}
	// Slurm: task 3 of 0-15, a re-run of shard 3, and the merge.
	for _, tc := range []struct {
		name string
		env  map[string]string
	}{
		{"shard task", map[string]string{envSlurmID: "3", envSlurmMin: "0", envSlurmCount: "16", "SLURM_ARRAY_JOB_ID": "77"}},
		{"re-run", map[string]string{envSlurmID: "3", envSlurmMin: "3", envSlurmCount: "1", "DIVERGENCE_SHARD": "3/16"}},
		{"merge", map[string]string{envSlurmID: "0", envSlurmMin: "0", envSlurmCount: "1", "DIVERGENCE_MERGE": "1"}},
	} {
		calls, stderr, code := slurmTask(t, tc.env)
		if code != 0 {
			t.Fatalf("slurm %s: exit %d: %s", tc.name, code, stderr)
		}
		for _, c := range calls {
			args, ok := strings.CutPrefix(c, "divergence ")
			if !ok {
				continue
			}
			want := "exp.toml"
			if strings.HasPrefix(args, "merge ") {
				want = "shards" // $DIVERGENCE_SHARED/results/shards, not there
			}
			env := map[string]string{}
			for k, v := range tc.env {
				if strings.HasPrefix(k, "SLURM_ARRAY_TASK_") {
					env[k] = v
				}
			}
			check("array.sbatch "+tc.name, strings.Fields(args), env, want)
		}
	}
}

// deploy/Dockerfile builds the program as the Makefile does (cgo, the
// duckdb_arrow tag) and reproducibly (-trimpath: README "Past one
// machine" counts on one build giving one sha256 on every node), with a
// Go at least go.mod's, into an image whose entrypoint is divergence (the
// Jobs' args begin with the command); job.yaml's Jobs run the image of
// this version.
func TestDeployDockerfile(t *testing.T) {
	b, err := os.ReadFile("../../deploy/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	var build string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "RUN ") && strings.Contains(l, "go build") {
			build = l
		}
	}
	for _, want := range []string{"CGO_ENABLED=1", "-tags duckdb_arrow", "-trimpath", "./cmd/divergence"} {
		if !strings.Contains(build, want) {
			t.Errorf("Dockerfile's go build %q lacks %s", build, want)
		}
	}
	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mk), "TAGS    := -tags duckdb_arrow") {
		t.Error("the Makefile's tags changed: the Dockerfile's must follow")
	}
	from := regexp.MustCompile(`(?m)^FROM golang:(\d+)\.(\d+)`).FindStringSubmatch(s)
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	need := regexp.MustCompile(`(?m)^go (\d+)\.(\d+)`).FindStringSubmatch(string(mod))
	if from == nil || need == nil {
		t.Fatalf("Dockerfile FROM golang:%v, go.mod go %v", from, need)
	}
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	if atoi(from[1]) < atoi(need[1]) || atoi(from[1]) == atoi(need[1]) && atoi(from[2]) < atoi(need[2]) {
		t.Errorf("Dockerfile builds with Go %s.%s, go.mod wants %s.%s", from[1], from[2], need[1], need[2])
	}
	if !strings.Contains(s, `ENTRYPOINT ["divergence"]`) || !strings.Contains(s, "/usr/local/bin/divergence") {
		t.Error(`Dockerfile: want the program at /usr/local/bin/divergence and ENTRYPOINT ["divergence"]`)
	}
	y, err := os.ReadFile("../../deploy/kubernetes/job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`image: (\S*divergence\S*)`).FindAllStringSubmatch(string(y), -1) {
		if !strings.HasSuffix(m[1], ":"+version) {
			t.Errorf("job.yaml runs %s: want the image of this version, %s", m[1], version)
		}
	}
}
