/* extern "C" API over Box2D 2.4.1 for the BipedalWalker family, built around whole-walker operations:
 * one call rebuilds the world (terrain + walker), one call applies the motor commands, steps and reads the
 * state back, so a step costs one native transition. Layouts here are mirrored in Native/Box2DNative.cs. */
#ifndef CONTROLRL_BOX2D_SHIM_H
#define CONTROLRL_BOX2D_SHIM_H

#ifdef __cplusplus
extern "C" {
#endif

#define BW_API __attribute__((visibility("default")))

/* Bumped whenever a layout below changes; the C# side refuses a mismatching library. */
#define BW_ABI_VERSION 2

#define BW_MAX_PAIRS 2
#define BW_MAX_HULL_VERTICES 8
#define BW_LIDAR_RAYS 10

/* Lidar semantics. CLOSEST: the nearest ground hit (Gymnasium v3). FIRST: the first ground fixture the
 * broad-phase reports, ending the cast there (teachDeepRL, i.e. Gymnasium's v2 behaviour). */
enum { BW_LIDAR_CLOSEST = 0, BW_LIDAR_FIRST = 1 };

typedef struct bw_walker_def {
    double lidar_range;       /* metres; double as the reference computes ray end points in double */
    int pairs;                /* leg pairs, 1 or 2 */
    int monitored_pairs;      /* pairs whose lower legs report ground contact (teachDeepRL quadru: 1) */
    int hull_count;           /* hull polygon vertex count */
    int lidar_mode;           /* BW_LIDAR_* */
    float hull_vertices[2 * BW_MAX_HULL_VERTICES]; /* metres, hull-local */
    float leg_w, leg_h, leg_down;
    float lower_half_w;       /* half width of the lower leg */
    float upper_y, lower_y;   /* world y where upper and lower leg bodies are created */
    float init_x, init_y;
    float anchor_x[BW_MAX_PAIRS]; /* hull-local x of each pair's hip anchor */
    float body_x[BW_MAX_PAIRS];   /* world x where each pair's leg bodies are created */
    float motors_torque;      /* initial maxMotorTorque of every joint */
    float initial_force_x;    /* force applied to the hull centre before the first step */
    float time_step;
    int velocity_iterations;
    int position_iterations;
} bw_walker_def;

/* Output of bw_step / bw_read, in floats:
 *   [0] hull angle, [1] hull angular velocity, [2] vx, [3] vy, [4] x, [5] y, [6] game over (hull touched ground),
 *   then 2 floats per joint (angle, speed) for 4*pairs joints ordered pair-major [hip-, knee-, hip+, knee+],
 *   then one contact flag per lower leg (2*pairs), then BW_LIDAR_RAYS lidar fractions. */
#define BW_OUT_HEADER 7

BW_API int bw_abi_version(void);
BW_API void* bw_create(void);
BW_API void bw_destroy(void* handle);

/* Replaces the world: static terrain (two-sided edges x1,y1,x2,y2 and convex polygons given as vertex lists)
 * and a fresh walker. Returns the number of polygons skipped as degenerate (>= 0), or -1 on failure. */
BW_API int bw_reset(void* handle,
                    const double* edges, int edge_count,
                    const double* polygon_xy, const int* polygon_counts, int polygon_count,
                    const bw_walker_def* def);

/* motor: 2 floats per joint (motor speed, max motor torque). Steps once and writes the state to out
 * (size bw_output_size). Returns 0, or -1 when there is no world. */
BW_API int bw_step(void* handle, const float* motor, float* out);

BW_API int bw_output_size(int pairs);

/* For drawing: writes (x, y, angle) of the hull, then of each joint's second body in joint order (upper leg,
 * lower leg, ... as in bw_step's joint block), 3 * (1 + 4 * pairs) floats. Reads only; the world is unchanged.
 * Returns the number of bodies written, or -1 when there is no world. */
BW_API int bw_read_bodies(void* handle, float* out);

#ifdef __cplusplus
}
#endif

#endif
