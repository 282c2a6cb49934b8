/*
 * Independent reference for ControlRL's MuJoCo frames: renders one state the way Gymnasium's rgb_array mode does
 * (Farama-Foundation/Gymnasium, gymnasium/envs/mujoco/mujoco_env.py and mujoco_rendering.py: offscreen buffer
 * sized to the frame through model->vis.global.offwidth/offheight, MjrContext at mjFONTSCALE_150,
 * mjr_setBuffer(mjFB_OFFSCREEN), the camera chosen by camera name or the free camera posed by _init_camera and
 * default_camera_config, mjv_updateScene with every category, mjr_render, mjr_readPixels, rows flipped), with
 * ControlRL's quality settings: no multisampling (offsamples 0), shadows and reflections off. It shares nothing
 * with the C# renderer but libmujoco, libEGL and the MJCF asset.
 *
 * Usage: render_reference MODEL.xml WIDTH HEIGHT CAMERA STATE OUT [key=value...]
 *   CAMERA: a camera name of the model, or "free" (Gymnasium's camera_id -1).
 *   STATE (whitespace-separated text): nq qpos values then nv qvel values, applied as Gymnasium's set_state
 *   (after mj_resetData, as reset does) followed by mj_forward.
 *   key=value: default_camera_config entries: trackbodyid, distance, azimuth, elevation, lookat=x,y,z.
 *   OUT receives HEIGHT*WIDTH*3 bytes, RGB, top row first.
 * EGL is declared here (EGL 1.5 / EGL_MESA_platform_surfaceless values from the Khronos headers) so that only
 * libEGL.so.1 is needed, not its development package.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mujoco/mujoco.h>

typedef void* EGLDisplay;
typedef void* EGLConfig;
typedef void* EGLContext;
typedef void* EGLSurface;
typedef int EGLint;
typedef unsigned int EGLBoolean;
typedef unsigned int EGLenum;

extern void* eglGetProcAddress(const char* name);
extern EGLDisplay eglGetDisplay(void* native);
extern EGLBoolean eglInitialize(EGLDisplay dpy, EGLint* major, EGLint* minor);
extern EGLBoolean eglChooseConfig(EGLDisplay dpy, const EGLint* attrib, EGLConfig* configs, EGLint size, EGLint* num);
extern EGLBoolean eglBindAPI(EGLenum api);
extern EGLContext eglCreateContext(EGLDisplay dpy, EGLConfig config, EGLContext share, const EGLint* attrib);
extern EGLBoolean eglMakeCurrent(EGLDisplay dpy, EGLSurface draw, EGLSurface read, EGLContext ctx);
extern EGLBoolean eglDestroyContext(EGLDisplay dpy, EGLContext ctx);
extern EGLint eglGetError(void);

#define EGL_NONE 0x3038
#define EGL_RED_SIZE 0x3024
#define EGL_GREEN_SIZE 0x3023
#define EGL_BLUE_SIZE 0x3022
#define EGL_ALPHA_SIZE 0x3021
#define EGL_DEPTH_SIZE 0x3025
#define EGL_STENCIL_SIZE 0x3026
#define EGL_COLOR_BUFFER_TYPE 0x303F
#define EGL_RGB_BUFFER 0x308E
#define EGL_SURFACE_TYPE 0x3033
#define EGL_PBUFFER_BIT 0x0001
#define EGL_RENDERABLE_TYPE 0x3040
#define EGL_OPENGL_BIT 0x0008
#define EGL_OPENGL_API 0x30A2
#define EGL_PLATFORM_SURFACELESS_MESA 0x31DD

typedef EGLDisplay (*GetPlatformDisplayFn)(EGLenum platform, void* native, const EGLint* attrib);

static void die(const char* msg, const char* arg) {
  fprintf(stderr, "render_reference: %s%s\n", msg, arg ? arg : "");
  exit(2);
}

static EGLDisplay open_display(void) {
  GetPlatformDisplayFn get = (GetPlatformDisplayFn)eglGetProcAddress("eglGetPlatformDisplayEXT");
  EGLDisplay dpy = get ? get(EGL_PLATFORM_SURFACELESS_MESA, NULL, NULL) : NULL;
  EGLint major, minor;
  if (dpy && eglInitialize(dpy, &major, &minor)) return dpy;
  dpy = eglGetDisplay(NULL);
  if (dpy && eglInitialize(dpy, &major, &minor)) return dpy;
  die("EGL could not initialise a display", NULL);
  return NULL;
}

/* numpy.median of column `axis` of an n x 3 array. */
static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

static double median(const mjtNum* xyz, int n, int axis) {
  if (n == 0) return 0;
  double* v = malloc(sizeof(double) * n);
  for (int i = 0; i < n; i++) v[i] = xyz[3 * i + axis];
  qsort(v, n, sizeof(double), cmp);
  double r = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  free(v);
  return r;
}

int main(int argc, char** argv) {
  if (argc < 7) die("usage: render_reference MODEL.xml WIDTH HEIGHT CAMERA STATE OUT [key=value...]", NULL);
  int width = atoi(argv[2]), height = atoi(argv[3]);
  const char* camera = argv[4];

  EGLDisplay dpy = open_display();
  const EGLint attrib[] = {EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8, EGL_BLUE_SIZE, 8, EGL_ALPHA_SIZE, 8,
                           EGL_DEPTH_SIZE, 24, EGL_STENCIL_SIZE, 8, EGL_COLOR_BUFFER_TYPE, EGL_RGB_BUFFER,
                           EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE};
  EGLConfig config;
  EGLint count = 0;
  if (!eglChooseConfig(dpy, attrib, &config, 1, &count) || count < 1) die("no EGL config", NULL);
  eglBindAPI(EGL_OPENGL_API);
  EGLContext ctx = eglCreateContext(dpy, config, NULL, NULL);
  if (!ctx || !eglMakeCurrent(dpy, NULL, NULL, ctx)) die("no EGL context", NULL);

  char error[1000] = "";
  mjModel* m = mj_loadXML(argv[1], NULL, error, sizeof(error));
  if (!m) die("cannot load model: ", error);
  mjData* d = mj_makeData(m);

  FILE* state = fopen(argv[5], "r");
  if (!state) die("cannot open ", argv[5]);
  mj_resetData(m, d);
  for (int i = 0; i < m->nq; i++)
    if (fscanf(state, "%lf", &d->qpos[i]) != 1) die("short qpos in ", argv[5]);
  for (int i = 0; i < m->nv; i++)
    if (fscanf(state, "%lf", &d->qvel[i]) != 1) die("short qvel in ", argv[5]);
  fclose(state);
  mj_forward(m, d);

  /* mujoco_env.py, _initialize_simulation; quality.offsamples 0 is ControlRL's setting. */
  m->vis.global.offwidth = width;
  m->vis.global.offheight = height;
  m->vis.quality.offsamples = 0;

  mjvScene scn;
  mjvCamera cam;
  mjvOption opt;
  mjvPerturb pert;
  mjrContext con;
  mjv_defaultScene(&scn);
  mjv_defaultCamera(&cam);
  mjv_defaultOption(&opt);
  mjv_defaultPerturb(&pert);
  mjr_defaultContext(&con);
  mjv_makeScene(m, &scn, 1000);
  mjr_makeContext(m, &con, mjFONTSCALE_150);
  mjr_setBuffer(mjFB_OFFSCREEN, &con);
  scn.flags[mjRND_SHADOW] = 0;
  scn.flags[mjRND_REFLECTION] = 0;

  /* OffScreenViewer._init_camera, then MujocoRenderer._set_cam_config. */
  cam.type = mjCAMERA_FREE;
  cam.fixedcamid = -1;
  for (int i = 0; i < 3; i++) cam.lookat[i] = median(d->geom_xpos, m->ngeom, i);
  cam.distance = m->stat.extent;
  for (int a = 7; a < argc; a++) {
    const char* kv = argv[a];
    if (!strncmp(kv, "trackbodyid=", 12)) cam.trackbodyid = atoi(kv + 12);
    else if (!strncmp(kv, "distance=", 9)) cam.distance = atof(kv + 9);
    else if (!strncmp(kv, "azimuth=", 8)) cam.azimuth = atof(kv + 8);
    else if (!strncmp(kv, "elevation=", 10)) cam.elevation = atof(kv + 10);
    else if (!strncmp(kv, "lookat=", 7)) {
      if (sscanf(kv + 7, "%lf,%lf,%lf", &cam.lookat[0], &cam.lookat[1], &cam.lookat[2]) != 3) die("bad ", kv);
    } else die("unknown camera setting ", kv);
  }

  /* MujocoRenderer.__init__ (camera_name -> camera_id) and OffScreenViewer.render (camera_id -> type). */
  int camera_id = -1;
  if (strcmp(camera, "free") != 0) {
    camera_id = mj_name2id(m, mjOBJ_CAMERA, camera);
    if (camera_id < 0) die("no camera named ", camera);
  }
  cam.type = camera_id == -1 ? mjCAMERA_FREE : mjCAMERA_FIXED;
  cam.fixedcamid = camera_id;

  mjrRect viewport = {0, 0, width, height};
  unsigned char* rgb = malloc((size_t)width * height * 3);
  mjv_updateScene(m, d, &opt, &pert, &cam, mjCAT_ALL, &scn);
  mjr_render(viewport, &scn, &con);
  mjr_readPixels(rgb, NULL, viewport, &con);

  FILE* out = fopen(argv[6], "wb");
  if (!out) die("cannot write ", argv[6]);
  for (int y = height - 1; y >= 0; y--) fwrite(rgb + (size_t)y * width * 3, 1, (size_t)width * 3, out);
  fclose(out);

  free(rgb);
  mjr_freeContext(&con);
  mjv_freeScene(&scn);
  mj_deleteData(d);
  mj_deleteModel(m);
  eglMakeCurrent(dpy, NULL, NULL, NULL);
  eglDestroyContext(dpy, ctx);
  return 0;
}
