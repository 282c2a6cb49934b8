/*
 * Independent reference for ControlRL's MuJoCo tasks: Gymnasium v5's observation, reward terms and
 * termination, written in C from Gymnasium's sources (Farama-Foundation/Gymnasium,
 * gymnasium/envs/mujoco/{half_cheetah,hopper,walker2d,ant,humanoid,inverted_pendulum}_v5.py and
 * gymnasium/envs/mujoco/mujoco_env.py), with their default constructor arguments. It shares nothing with
 * the C# tasks but the MJCF asset and the MuJoCo library.
 *
 * Usage: gym_reference TASK MODEL.xml INPUT
 *   INPUT (whitespace-separated text): nq qpos values, nv qvel values, the step count N, then N*nu actions.
 *   The state is applied as Gymnasium's set_state does (mj_resetData first, as reset does, then qpos/qvel and
 *   mj_forward); each env step is do_simulation: ctrl = action, frame_skip mj_step, mj_rnePostConstraint.
 * Output, one line per env step (step 0 is the state after set_state, with no reward):
 *   step terminated reward term... | observation...
 *   Terms carry their sign (costs negative) in the order forward, ctrl, contact, healthy (those the task has);
 *   InvertedPendulum's single term is its survival reward. The run stops after the first terminated step.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mujoco/mujoco.h>

#define MAX_OBS 512
#define MAX_TERMS 4

typedef struct {
  const char* id;
  int frame_skip;
} Task;

/* frame_skip defaults of each *_v5.py __init__. */
static const Task TASKS[] = {
    {"HalfCheetah-v5", 5}, {"Hopper-v5", 4},   {"Walker2d-v5", 4},
    {"Ant-v5", 5},         {"Humanoid-v5", 5}, {"InvertedPendulum-v5", 2},
};

static const mjModel* m;
static mjData* d;
static int frame_skip;
static double dt;

static double obs[MAX_OBS];
static int nobs;
static double terms[MAX_TERMS];
static int nterms;

static void die(const char* msg, const char* arg) {
  fprintf(stderr, "gym_reference: %s%s\n", msg, arg ? arg : "");
  exit(2);
}

static void push(double v) {
  if (nobs >= MAX_OBS) die("observation too long", NULL);
  obs[nobs++] = v;
}

static void push_range(const mjtNum* v, int from, int to) {
  for (int i = from; i < to; i++) push(v[i]);
}

static double clip(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }

static double sum_sq(const double* v, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += v[i] * v[i];
  return s;
}

/* Ant's contact_forces: np.clip(data.cfrc_ext, -1, 1) (contact_force_range default). */
static double ant_contact(int i) { return clip(d->cfrc_ext[i], -1.0, 1.0); }

/* humanoid_v5.py mass_center: sum(body_mass * xipos) / sum(body_mass), x component. */
static double humanoid_mass_center_x(void) {
  double num = 0, den = 0;
  for (int b = 0; b < m->nbody; b++) {
    num += m->body_mass[b] * d->xipos[3 * b];
    den += m->body_mass[b];
  }
  return num / den;
}

/* Writes the task's _get_obs into obs. */
static void observe(const char* id) {
  nobs = 0;
  if (!strcmp(id, "HalfCheetah-v5")) {
    push_range(d->qpos, 1, m->nq);
    push_range(d->qvel, 0, m->nv);
  } else if (!strcmp(id, "Hopper-v5") || !strcmp(id, "Walker2d-v5")) {
    push_range(d->qpos, 1, m->nq);
    for (int i = 0; i < m->nv; i++) push(clip(d->qvel[i], -10, 10));
  } else if (!strcmp(id, "Ant-v5")) {
    push_range(d->qpos, 2, m->nq);
    push_range(d->qvel, 0, m->nv);
    for (int i = 6; i < 6 * m->nbody; i++) push(ant_contact(i)); /* contact_forces[1:] */
  } else if (!strcmp(id, "Humanoid-v5")) {
    push_range(d->qpos, 2, m->nq);
    push_range(d->qvel, 0, m->nv);
    push_range(d->cinert, 10, 10 * m->nbody);  /* cinert[1:] */
    push_range(d->cvel, 6, 6 * m->nbody);      /* cvel[1:] */
    push_range(d->qfrc_actuator, 6, m->nv);    /* qfrc_actuator[6:] */
    push_range(d->cfrc_ext, 6, 6 * m->nbody);  /* cfrc_ext[1:], unclipped */
  } else {
    push_range(d->qpos, 0, m->nq);
    push_range(d->qvel, 0, m->nv);
  }
}

/* is_healthy of each task (after the step). */
static int healthy(const char* id) {
  const double* q = d->qpos;
  if (!strcmp(id, "Hopper-v5")) {
    /* state_vector()[2:] = qpos[2:] ++ qvel, each strictly inside (-100, 100). */
    for (int i = 2; i < m->nq; i++)
      if (!(-100.0 < q[i] && q[i] < 100.0)) return 0;
    for (int i = 0; i < m->nv; i++)
      if (!(-100.0 < d->qvel[i] && d->qvel[i] < 100.0)) return 0;
    return 0.7 < q[1] && q[1] < INFINITY && -0.2 < q[2] && q[2] < 0.2;
  }
  if (!strcmp(id, "Walker2d-v5")) return 0.8 < q[1] && q[1] < 2.0 && -1.0 < q[2] && q[2] < 1.0;
  if (!strcmp(id, "Ant-v5")) {
    for (int i = 0; i < m->nq; i++)
      if (!isfinite(q[i])) return 0;
    for (int i = 0; i < m->nv; i++)
      if (!isfinite(d->qvel[i])) return 0;
    return 0.2 <= q[2] && q[2] <= 1.0; /* closed interval in ant_v5.py */
  }
  if (!strcmp(id, "Humanoid-v5")) return 1.0 < q[2] && q[2] < 2.0;
  return 1;
}

/* One env step: returns the reward, fills terms and obs, sets *terminated. */
static double step(const char* id, const double* action, int* terminated) {
  double x_before = 0;
  if (!strcmp(id, "Ant-v5")) x_before = d->xpos[3 * 1]; /* main_body = 1: body(1).xpos[0] */
  else if (!strcmp(id, "Humanoid-v5")) x_before = humanoid_mass_center_x();
  else x_before = d->qpos[0];

  /* mujoco_env.py _step_mujoco_simulation. */
  for (int i = 0; i < m->nu; i++) d->ctrl[i] = action[i];
  for (int k = 0; k < frame_skip; k++) mj_step(m, d);
  mj_rnePostConstraint(m, d);

  double x_after;
  if (!strcmp(id, "Ant-v5")) x_after = d->xpos[3 * 1];
  else if (!strcmp(id, "Humanoid-v5")) x_after = humanoid_mass_center_x();
  else x_after = d->qpos[0];
  double x_velocity = (x_after - x_before) / dt;

  observe(id);
  nterms = 0;
  double reward;
  if (!strcmp(id, "InvertedPendulum-v5")) {
    int finite = 1;
    for (int i = 0; i < nobs; i++)
      if (!isfinite(obs[i])) finite = 0;
    *terminated = !finite || fabs(obs[1]) > 0.2;
    reward = *terminated ? 0 : 1;
    terms[nterms++] = reward;
    return reward;
  }

  double forward_weight = 1.0, ctrl_weight, contact_cost = 0, healthy_value = 0;
  int has_contact = 0, has_healthy = 1;
  double ctrl_sq = sum_sq(action, m->nu);
  if (!strcmp(id, "HalfCheetah-v5")) {
    ctrl_weight = 0.1;
    has_healthy = 0;
  } else if (!strcmp(id, "Hopper-v5") || !strcmp(id, "Walker2d-v5")) {
    ctrl_weight = 1e-3;
    healthy_value = 1.0;
  } else if (!strcmp(id, "Ant-v5")) {
    ctrl_weight = 0.5;
    healthy_value = 1.0;
    has_contact = 1;
    double s = 0;
    for (int i = 0; i < 6 * m->nbody; i++) s += ant_contact(i) * ant_contact(i); /* all bodies, world too */
    contact_cost = 5e-4 * s;
  } else { /* Humanoid-v5 */
    forward_weight = 1.25;
    ctrl_weight = 0.1;
    healthy_value = 5.0;
    has_contact = 1;
    ctrl_sq = sum_sq(d->ctrl, m->nu); /* humanoid_v5.py control_cost squares data.ctrl, not action */
    contact_cost = fmin(5e-7 * sum_sq(d->cfrc_ext, 6 * m->nbody), 10.0); /* contact_cost_range (-inf, 10) */
  }

  int is_healthy = healthy(id);
  double forward = forward_weight * x_velocity;
  double ctrl_cost = ctrl_weight * ctrl_sq;
  double healthy_reward = has_healthy ? is_healthy * healthy_value : 0;
  terms[nterms++] = forward;
  terms[nterms++] = -ctrl_cost;
  if (has_contact) terms[nterms++] = -contact_cost;
  if (has_healthy) terms[nterms++] = healthy_reward;
  /* HalfCheetah never terminates; the others when unhealthy (terminate_when_unhealthy defaults to True). */
  *terminated = has_healthy && !is_healthy;
  return forward + healthy_reward - (ctrl_cost + contact_cost);
}

static void emit(int t, int terminated, double reward) {
  printf("%d %d %.17g", t, terminated, reward);
  for (int i = 0; i < nterms; i++) printf(" %.17g", terms[i]);
  printf(" |");
  for (int i = 0; i < nobs; i++) printf(" %.17g", obs[i]);
  printf("\n");
}

static double read_number(FILE* f, const char* what) {
  double v;
  if (fscanf(f, "%lf", &v) != 1) die("input ended early, reading ", what);
  return v;
}

int main(int argc, char** argv) {
  if (argc != 4) die("usage: gym_reference TASK MODEL.xml INPUT", NULL);
  const char* id = argv[1];
  frame_skip = 0;
  for (size_t i = 0; i < sizeof TASKS / sizeof TASKS[0]; i++)
    if (!strcmp(TASKS[i].id, id)) frame_skip = TASKS[i].frame_skip;
  if (!frame_skip) die("unknown task ", id);

  char error[1000] = "";
  mjModel* model = mj_loadXML(argv[2], NULL, error, sizeof error);
  if (!model) die("cannot load model: ", error);
  m = model;
  d = mj_makeData(m);
  dt = m->opt.timestep * frame_skip; /* MujocoEnv.dt */

  FILE* in = fopen(argv[3], "r");
  if (!in) die("cannot open ", argv[3]);
  mj_resetData(m, d);
  for (int i = 0; i < m->nq; i++) d->qpos[i] = read_number(in, "qpos");
  for (int i = 0; i < m->nv; i++) d->qvel[i] = read_number(in, "qvel");
  mj_forward(m, d);
  int steps = (int)read_number(in, "step count");

  nterms = 0;
  observe(id);
  emit(0, 0, 0);

  double action[64];
  if (m->nu > 64) die("too many actuators", NULL);
  for (int t = 1; t <= steps; t++) {
    /* Actions arrive as float32 text (what the C# env receives); widen as numpy does. */
    for (int i = 0; i < m->nu; i++) {
      float a;
      if (fscanf(in, "%f", &a) != 1) die("input ended early, reading ", "actions");
      action[i] = (double)a;
    }
    int terminated = 0;
    double reward = step(id, action, &terminated);
    emit(t, terminated, reward);
    if (terminated) break;
  }
  fclose(in);
  mj_deleteData(d);
  mj_deleteModel(model);
  return 0;
}
