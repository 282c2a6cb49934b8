/* extern "C" API over Box2D 2.4.1 for CarRacing, built around whole-car operations: one call builds the world
 * (track tiles as static sensors + the car), one call applies the controls, runs the car's wheel model (Gymnasium
 * gymnasium/envs/box2d/car_dynamics.py, Car.step), steps the world and reads the state back. Layouts here are
 * mirrored in Native/CarRacingNative.cs. */
#ifndef CONTROLRL_CAR_RACING_SHIM_H
#define CONTROLRL_CAR_RACING_SHIM_H

#ifdef __cplusplus
extern "C" {
#endif

#define CR_API __attribute__((visibility("default")))

/* Bumped whenever a layout below changes; the C# side refuses a mismatching library. */
#define CR_ABI_VERSION 1

#define CR_WHEELS 4

/* Bits of the per-tile flags (cr_tile_flags). */
#define CR_TILE_VISITED 1u /* a wheel has touched the tile (it paid its reward) */
#define CR_TILE_TOUCHED 2u /* any car fixture began or ended contact: drawn in the plain road colour */

typedef struct cr_body {
    float x, y;       /* position */
    float c, s;       /* cos and sin of the angle, as the body's transform holds them */
    float angle;
    float vx, vy;     /* linear velocity */
    float omega;      /* angular velocity */
} cr_body;

typedef struct cr_state {
    cr_body hull;
    cr_body wheels[CR_WHEELS];  /* front left, front right, rear left, rear right */
    double wheel_omega[CR_WHEELS]; /* wheel spin (rad/s), the model's own state, double as in the reference */
    double wheel_phase[CR_WHEELS]; /* accumulated spin angle, for drawing */
    double wheel_gas[CR_WHEELS];
    float joint_angle[CR_WHEELS];  /* steering joint angles */
    int wheel_tiles[CR_WHEELS];    /* road tiles each wheel touches (0: on grass) */
    int wheel_skid[CR_WHEELS];     /* the last Car.step's force exceeded twice the friction limit (skid marks) */
    int new_tiles;                 /* tiles first visited during the last step */
    int tiles_visited;
    int new_lap;                   /* sticky: tile 0 first visited with more than lap_complete_percent visited */
    int tile_count;
} cr_state;

CR_API int cr_abi_version(void);
CR_API void* cr_create(void);
CR_API void cr_destroy(void* handle);

/* Replaces the world: tile_count quadrilateral road tiles (8 doubles each: 4 vertices x,y), created in order as
 * static sensor bodies, then the car at (x, y) heading `angle`. Returns 0, -1 on bad arguments or failure, or
 * -2 when a tile is degenerate (Box2D would assert). */
CR_API int cr_reset(void* handle, const double* tile_xy, int tile_count, double angle, double x, double y,
                    double lap_complete_percent);

/* Applies the controls when has_action (Car.steer(steer), Car.gas(gas), Car.brake(brake)), runs Car.step(dt),
 * steps the world (dt, 180 velocity and 60 position iterations) and writes the state. Returns 0, or -1 when
 * there is no world. */
CR_API int cr_step(void* handle, int has_action, double steer, double gas, double brake, cr_state* out);

/* Per-tile CR_TILE_* flags of the current world (tile_count bytes, valid until the next reset), or NULL. */
CR_API const unsigned char* cr_tile_flags(void* handle);

#ifdef __cplusplus
}
#endif

#endif
