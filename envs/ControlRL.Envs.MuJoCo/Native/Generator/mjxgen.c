// Prints Native/MjLayout.g.cs: the byte layout of mjModel/mjData (and of the visualization/rendering structs
// the offscreen renderer passes to mjv_*/mjr_*) as seen by the C compiler for the installed MuJoCo headers. Everything comes from the X-macros in mjxmacro.h plus offsetof/sizeof, so the C# side never
// restates a struct layout by hand. Run through tools/gen-mujoco-layout.sh; the output is checked in and a test
// regenerates it and compares byte for byte.
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mujoco/mujoco.h>
#include <mujoco/mjxmacro.h>

// The C# accessors read mjtNum as double.
_Static_assert(sizeof(mjtNum) == 8, "mjtNum must be double");
_Static_assert(sizeof(int) == 4, "int must be 32-bit");

// Distinct probe values for every int size field, so that a parsed column expression can be checked by
// evaluating the real macro argument against them.
enum {
#define X(name) PROBE_##name,
  MJMODEL_INTS
#undef X
  PROBE_COUNT
};

static int probe_value(const char* field) {
  static const char* names[] = {
#define X(name) #name,
    MJMODEL_INTS
#undef X
  };
  for (int i = 0; i < PROBE_COUNT; i++) {
    if (strcmp(names[i], field) == 0) return 1009 + 7 * i;
  }
  fprintf(stderr, "mjxgen: '%s' is not an int field of mjModel\n", field);
  exit(1);
}

// C element type -> C# element type of the typed span accessor ("" = no typed accessor).
static const char* cs_type(const char* ctype) {
  if (strcmp(ctype, "mjtNum") == 0) return "double";
  if (strcmp(ctype, "int") == 0) return "int";
  if (strcmp(ctype, "float") == 0) return "float";
  if (strcmp(ctype, "mjtByte") == 0) return "byte";
  if (strcmp(ctype, "char") == 0) return "byte";
  return "";
}

// Column expression of an X-macro entry: a literal / named constant (value known at compile time) or
// MJ_M(field) / MJ_M(field*k) (a size field of mjModel, optionally times a constant).
typedef struct {
  char field[64];  // empty when constant
  int factor;      // the constant, or the multiplier of field
} cols_t;

static cols_t parse_cols(const char* text, int value_when_const, int value_with_probes) {
  cols_t c;
  memset(&c, 0, sizeof(c));
  if (strncmp(text, "MJ_M(", 5) != 0) {
    c.factor = value_when_const;
    return c;
  }
  const char* p = text + 5;
  size_t n = strcspn(p, "*) ");
  if (n == 0 || n >= sizeof(c.field)) {
    fprintf(stderr, "mjxgen: cannot parse column expression '%s'\n", text);
    exit(1);
  }
  memcpy(c.field, p, n);
  c.factor = 1;
  const char* star = strchr(p, '*');
  if (star) c.factor = atoi(star + 1);
  if (probe_value(c.field) * c.factor != value_with_probes) {
    fprintf(stderr, "mjxgen: column expression '%s' parsed as %s*%d does not evaluate consistently\n", text,
            c.field, c.factor);
    exit(1);
  }
  return c;
}

typedef struct {
  const char* ctype;
  const char* name;
  size_t elem_size;
  size_t offset;
  const char* rows;
  const char* cols_text;
  cols_t cols;
} array_t;

// Evaluates a column macro argument twice: with MJ_M(n) as 0 (constant columns) and with every size field
// bound to its probe value (field columns).
#define PROBE_LOCALS \
  int nuser_body = probe_value("nuser_body"), nuser_jnt = probe_value("nuser_jnt"), \
      nuser_geom = probe_value("nuser_geom"), nuser_site = probe_value("nuser_site"), \
      nuser_cam = probe_value("nuser_cam"), nuser_tendon = probe_value("nuser_tendon"), \
      nuser_actuator = probe_value("nuser_actuator"), nuser_sensor = probe_value("nuser_sensor"), \
      nq = probe_value("nq"), nv = probe_value("nv"), na = probe_value("na"), nu = probe_value("nu"), \
      nmocap = probe_value("nmocap"), njmax = probe_value("njmax"); \
  (void)nuser_body; (void)nuser_jnt; (void)nuser_geom; (void)nuser_site; (void)nuser_cam; \
  (void)nuser_tendon; (void)nuser_actuator; (void)nuser_sensor; (void)nq; (void)nv; (void)na; (void)nu; \
  (void)nmocap; (void)njmax;

#undef MJ_M
#define MJ_M(n) (MJ_M_MODE ? (n) : 0)

/* collect_model and collect_data repeat their X body on purpose: #nc must stringify the macro argument as
   mjxmacro.h writes it (e.g. "nuser_body"), which a shared helper macro would expand before stringifying. */
static int collect_model(array_t* out) {
  int k = 0;
  PROBE_LOCALS
#define X(type, name, nr, nc)                                                                    \
  {                                                                                              \
    int MJ_M_MODE = 0; (void)MJ_M_MODE;                                                                         \
    int as_const = (int)(nc);                                                                    \
    MJ_M_MODE = 1;                                                                               \
    int as_probe = (int)(nc);                                                                    \
    array_t a = {#type, #name, sizeof(type), offsetof(mjModel, name), #nr, #nc,                  \
                 parse_cols(#nc, as_const, as_probe)};                                           \
    out[k++] = a;                                                                                \
  }
  MJMODEL_POINTERS
#undef X
  return k;
}

static int collect_data(array_t* out) {
  int k = 0;
  PROBE_LOCALS
#define X(type, name, nr, nc)                                                                    \
  {                                                                                              \
    int MJ_M_MODE = 0; (void)MJ_M_MODE;                                                                         \
    int as_const = (int)(nc);                                                                    \
    MJ_M_MODE = 1;                                                                               \
    int as_probe = (int)(nc);                                                                    \
    array_t a = {#type, #name, sizeof(type), offsetof(mjData, name), #nr, #nc,                   \
                 parse_cols(#nc, as_const, as_probe)};                                           \
    out[k++] = a;                                                                                \
  }
  MJDATA_POINTERS
#undef X
  return k;
}

static void check_rows(const array_t* a) { probe_value(a->rows); }

static void print_cols_cs(const array_t* a, char* buf, size_t len) {
  if (a->cols.field[0] == 0) {
    snprintf(buf, len, "%d", a->cols.factor);
  } else if (a->cols.factor == 1) {
    snprintf(buf, len, "*(int*)(m + ModelInt.%s)", a->cols.field);
  } else {
    snprintf(buf, len, "*(int*)(m + ModelInt.%s) * %d", a->cols.field, a->cols.factor);
  }
}

static void print_dim_text(const array_t* a, char* buf, size_t len) {
  if (a->cols.field[0] == 0) {
    snprintf(buf, len, "%s x %d", a->rows, a->cols.factor);
  } else if (a->cols.factor == 1) {
    snprintf(buf, len, "%s x %s", a->rows, a->cols.field);
  } else {
    snprintf(buf, len, "%s x %s*%d", a->rows, a->cols.field, a->cols.factor);
  }
}

static void print_table(const char* title, const array_t* arr, int n, const char* ptrclass) {
  printf("    public static readonly MjArrayLayout[] %s =\n    [\n", title);
  for (int i = 0; i < n; i++) {
    const array_t* a = &arr[i];
    char dim[128];
    print_dim_text(a, dim, sizeof(dim));
    if (a->cols.field[0] == 0) {
      printf("        new(\"%s\", \"%s\", %zu, %s.%s, \"%s\", ModelInt.%s, null, -1, %d, \"%s\"),\n", a->name,
             a->ctype, a->elem_size, ptrclass, a->name, a->rows, a->rows, a->cols.factor, dim);
    } else {
      printf("        new(\"%s\", \"%s\", %zu, %s.%s, \"%s\", ModelInt.%s, \"%s\", ModelInt.%s, %d, \"%s\"),\n",
             a->name, a->ctype, a->elem_size, ptrclass, a->name, a->rows, a->rows, a->cols.field,
             a->cols.field, a->cols.factor, dim);
    }
  }
  printf("    ];\n\n");
}

static void print_accessors(const char* cls, const array_t* arr, int n, int is_data) {
  printf("    /// <summary>Typed views of the %s arrays; lengths from the mjModel size fields.</summary>\n",
         is_data ? "mjData" : "mjModel");
  printf("    public static class %s\n    {\n", cls);
  for (int i = 0; i < n; i++) {
    const array_t* a = &arr[i];
    const char* t = cs_type(a->ctype);
    if (t[0] == 0) continue;  // struct element types (mjContact): offsets only, in the table
    char cols[128], dim[128];
    print_cols_cs(a, cols, sizeof(cols));
    print_dim_text(a, dim, sizeof(dim));
    printf("        /// <summary>%s %s[%s]</summary>\n", a->ctype, a->name, dim);
    printf("        [MethodImpl(MethodImplOptions.AggressiveInlining)]\n");
    if (is_data) {
      printf("        public static Span<%s> %s(byte* m, byte* d) => new(*(void**)(d + DataPtr.%s), "
             "*(int*)(m + ModelInt.%s) * %s);\n",
             t, a->name, a->name, a->rows, cols);
    } else {
      printf("        public static Span<%s> %s(byte* m) => new(*(void**)(m + ModelPtr.%s), "
             "*(int*)(m + ModelInt.%s) * %s);\n",
             t, a->name, a->name, a->rows, cols);
    }
  }
  printf("    }\n\n");
}

int main(void) {
  static array_t model[1024], data[1024];
  int nm = collect_model(model);
  int nd = collect_data(data);
  for (int i = 0; i < nm; i++) check_rows(&model[i]);
  for (int i = 0; i < nd; i++) check_rows(&data[i]);

  printf("// <auto-generated>\n");
  printf("// Generated by tools/gen-mujoco-layout.sh from envs/ControlRL.Envs.MuJoCo/Native/Generator/mjxgen.c,\n");
  printf("// compiled against the MuJoCo headers (mjVERSION_HEADER %d) in /usr/include/mujoco. Do not edit:\n",
         mjVERSION_HEADER);
  printf("// rerun tools/gen-mujoco-layout.sh. A test checks that this file matches the generator's output.\n");
  printf("// </auto-generated>\n");
  printf("#pragma warning disable IDE1006, CS1591 // C field names kept as in mjmodel.h / mjdata.h\n\n");
  printf("using System.Runtime.CompilerServices;\n\n");
  printf("namespace ControlRL.Envs.MuJoCo.Native;\n\n");
  printf("/// <summary>Byte layout of mjModel and mjData from mjxmacro.h (x86-64 Linux, MuJoCo %d).</summary>\n",
         mjVERSION_HEADER);
  printf("internal static unsafe class MjLayout\n{\n");
  printf("    public const int HeaderVersion = %d;\n", mjVERSION_HEADER);
  printf("    public const int SizeOfMjtNum = %zu;\n", sizeof(mjtNum));
  printf("    public const int SizeOfModel = %zu;\n", sizeof(mjModel));
  printf("    public const int SizeOfData = %zu;\n", sizeof(mjData));
  printf("    public const int SizeOfOption = %zu;\n", sizeof(mjOption));
  printf("    public const int SizeOfContact = %zu;\n\n", sizeof(mjContact));

  printf("    /// <summary>Byte offsets of the int size fields of mjModel (MJMODEL_INTS).</summary>\n");
  printf("    public static class ModelInt\n    {\n");
#define X(name) printf("        public const int %s = %zu;\n", #name, offsetof(mjModel, name));
  MJMODEL_INTS
#undef X
  printf("    }\n\n");

  printf("    /// <summary>Byte offsets in mjModel of the mjOption fields of mjModel.opt (MJOPTION_*).</summary>\n");
  printf("    public static class ModelOpt\n    {\n");
  printf("        public const int Offset = %zu;\n", offsetof(mjModel, opt));
#define X(type, name) \
  printf("        /// <summary>%s</summary>\n        public const int %s = %zu;\n", #type, #name, \
         offsetof(mjModel, opt.name));
  MJOPTION_SCALARS
#undef X
#define X(name, n) \
  printf("        /// <summary>mjtNum[%s]</summary>\n        public const int %s = %zu;\n", #n, #name, \
         offsetof(mjModel, opt.name));
  MJOPTION_VECTORS
#undef X
  printf("    }\n\n");

  printf("    /// <summary>Byte offsets of the array pointers of mjModel (MJMODEL_POINTERS).</summary>\n");
  printf("    public static class ModelPtr\n    {\n");
  for (int i = 0; i < nm; i++) printf("        public const int %s = %zu;\n", model[i].name, model[i].offset);
  printf("    }\n\n");

  printf("    /// <summary>Byte offsets of the scalar fields of mjData (MJDATA_SCALAR).</summary>\n");
  printf("    public static class DataScalar\n    {\n");
#define X(type, name) \
  printf("        /// <summary>%s</summary>\n        public const int %s = %zu;\n", #type, #name, \
         offsetof(mjData, name));
  MJDATA_SCALAR
#undef X
  printf("    }\n\n");

  printf("    /// <summary>Byte offsets of the fixed-size arrays of mjData (MJDATA_VECTOR).</summary>\n");
  printf("    public static class DataVector\n    {\n");
#define X(type, name, n1, n2) \
  printf("        /// <summary>%s[%s x %s], %zu bytes each</summary>\n        public const int %s = %zu;\n", \
         #type, #n1, #n2, sizeof(type), #name, offsetof(mjData, name));
  MJDATA_VECTOR
#undef X
  printf("        public const int SizeOfWarningStat = %zu;\n", sizeof(mjWarningStat));
  printf("        public const int WarningStatLastInfo = %zu;\n", offsetof(mjWarningStat, lastinfo));
  printf("        public const int WarningStatNumber = %zu;\n", offsetof(mjWarningStat, number));
  printf("    }\n\n");

  printf("    /// <summary>Byte offsets of the array pointers of mjData (MJDATA_POINTERS).</summary>\n");
  printf("    public static class DataPtr\n    {\n");
  for (int i = 0; i < nd; i++) printf("        public const int %s = %zu;\n", data[i].name, data[i].offset);
  printf("    }\n\n");

  printf("    /// <summary>mjtObj values (mjmodel.h).</summary>\n");
  printf("    public static class Obj\n    {\n");
#define E(name) printf("        public const int %s = %d;\n", #name, (int)name);
  E(mjOBJ_UNKNOWN) E(mjOBJ_BODY) E(mjOBJ_XBODY) E(mjOBJ_JOINT) E(mjOBJ_DOF) E(mjOBJ_GEOM) E(mjOBJ_SITE)
  E(mjOBJ_CAMERA) E(mjOBJ_LIGHT) E(mjOBJ_MESH) E(mjOBJ_SKIN) E(mjOBJ_HFIELD) E(mjOBJ_TEXTURE)
  E(mjOBJ_MATERIAL) E(mjOBJ_PAIR) E(mjOBJ_EXCLUDE) E(mjOBJ_EQUALITY) E(mjOBJ_TENDON) E(mjOBJ_ACTUATOR)
  E(mjOBJ_SENSOR) E(mjOBJ_NUMERIC) E(mjOBJ_TEXT) E(mjOBJ_TUPLE) E(mjOBJ_KEY)
  printf("    }\n\n");

  printf("    /// <summary>mjtWarning values (mjdata.h).</summary>\n");
  printf("    public static class Warn\n    {\n");
  E(mjWARN_INERTIA) E(mjWARN_CONTACTFULL) E(mjWARN_CNSTRFULL) E(mjWARN_VGEOMFULL) E(mjWARN_BADQPOS)
  E(mjWARN_BADQVEL) E(mjWARN_BADQACC) E(mjWARN_BADCTRL) E(mjNWARNING)
  printf("    }\n\n");

  printf("    /// <summary>mjtIntegrator values (mjmodel.h).</summary>\n");
  printf("    public static class Integrator\n    {\n");
  E(mjINT_EULER) E(mjINT_RK4) E(mjINT_IMPLICIT)
  printf("    }\n\n");

  // Offscreen rendering (mjvisualize.h, mjrender.h): the structs are allocated as opaque blocks of these sizes
  // and only the fields below are touched from C#.
  printf("    /// <summary>Sizes, field offsets and enum values used by the offscreen renderer (mjvisualize.h, mjrender.h).</summary>\n");
  printf("    public static class Render\n    {\n");
#define SZ(name, type) printf("        public const int SizeOf%s = %zu;\n", #name, sizeof(type));
  SZ(Scene, mjvScene) SZ(Camera, mjvCamera) SZ(Option, mjvOption) SZ(Perturb, mjvPerturb) SZ(Context, mjrContext)
  SZ(Rect, mjrRect)
#undef SZ
#define OFF(name, type, field) printf("        public const int %s = %zu;\n", #name, offsetof(type, field));
  printf("        // mjModel.vis / mjModel.stat\n");
  OFF(ModelOffWidth, mjModel, vis.global.offwidth) OFF(ModelOffHeight, mjModel, vis.global.offheight)
  OFF(ModelOffSamples, mjModel, vis.quality.offsamples) OFF(ModelShadowSize, mjModel, vis.quality.shadowsize)
  OFF(ModelStatExtent, mjModel, stat.extent)
  printf("        // mjvCamera\n");
  OFF(CameraType, mjvCamera, type) OFF(CameraFixedCamId, mjvCamera, fixedcamid)
  OFF(CameraTrackBodyId, mjvCamera, trackbodyid) OFF(CameraLookAt, mjvCamera, lookat)
  OFF(CameraDistance, mjvCamera, distance) OFF(CameraAzimuth, mjvCamera, azimuth)
  OFF(CameraElevation, mjvCamera, elevation)
  printf("        // mjvScene\n");
  OFF(SceneMaxGeom, mjvScene, maxgeom) OFF(SceneNGeom, mjvScene, ngeom) OFF(SceneFlags, mjvScene, flags)
  printf("        // mjrContext\n");
  OFF(ContextShadowSize, mjrContext, shadowSize) OFF(ContextOffWidth, mjrContext, offWidth)
  OFF(ContextOffHeight, mjrContext, offHeight) OFF(ContextOffSamples, mjrContext, offSamples)
  OFF(ContextOffFBO, mjrContext, offFBO) OFF(ContextCurrentBuffer, mjrContext, currentBuffer)
  printf("        // mjrRect\n");
  OFF(RectLeft, mjrRect, left) OFF(RectBottom, mjrRect, bottom) OFF(RectWidth, mjrRect, width)
  OFF(RectHeight, mjrRect, height)
#undef OFF
  printf("        // mjtCamera, mjtFramebuffer, mjtCatBit, mjtFontScale, mjtRndFlag\n");
  E(mjCAMERA_FREE) E(mjCAMERA_TRACKING) E(mjCAMERA_FIXED) E(mjFB_WINDOW) E(mjFB_OFFSCREEN) E(mjCAT_ALL)
  E(mjFONTSCALE_150) E(mjRND_SHADOW) E(mjRND_REFLECTION) E(mjRND_SKYBOX) E(mjNRNDFLAG)
  printf("    }\n\n");
#undef E

  print_accessors("ModelArray", model, nm, 0);
  print_accessors("DataArray", data, nd, 1);
  print_table("ModelArrays", model, nm, "ModelPtr");
  print_table("DataArrays", data, nd, "DataPtr");
  printf("}\n");
  return 0;
}
