// Box2D 2.4.1 shim for the BipedalWalker family. Every entry point is noexcept at the C boundary: C++
// exceptions never cross into the managed caller.
#include "box2d_shim.h"

#include <box2d/box2d.h>

#include <cmath>
#include <new>

namespace {

const uint16 kGroundCategory = 0x0001;
const uint16 kWalkerCategory = 0x0020;

struct ContactListener final : b2ContactListener {
    b2Body* hull = nullptr;
    b2Body* lower[2 * BW_MAX_PAIRS] = {};
    int monitored = 0;
    bool game_over = false;
    bool contact[2 * BW_MAX_PAIRS] = {};

    void BeginContact(b2Contact* c) override { Mark(c, true); }
    void EndContact(b2Contact* c) override { Mark(c, false); }

    // As the reference listener: a flag per lower leg set on begin and cleared on end (not a contact count),
    // and the hull's first contact with anything ends the episode.
    void Mark(b2Contact* c, bool begin) {
        b2Body* a = c->GetFixtureA()->GetBody();
        b2Body* b = c->GetFixtureB()->GetBody();
        if (begin && (a == hull || b == hull)) game_over = true;
        for (int i = 0; i < monitored; i++) {
            if (a == lower[i] || b == lower[i]) contact[i] = begin;
        }
    }
};

struct LidarCallback final : b2RayCastCallback {
    int mode = BW_LIDAR_CLOSEST;
    float fraction = 1.0f;

    float ReportFixture(b2Fixture* fixture, const b2Vec2&, const b2Vec2&, float f) override {
        bool ground = (fixture->GetFilterData().categoryBits & kGroundCategory) != 0;
        if (mode == BW_LIDAR_FIRST) {
            if (!ground) return 1.0f;
            fraction = f;
            return 0.0f;
        }
        if (!ground) return -1.0f;
        fraction = f; // clipping to f means any later report is closer
        return f;
    }
};

struct Walker {
    b2World* world = nullptr;
    ContactListener listener;
    LidarCallback lidar;
    b2Body* hull = nullptr;
    b2RevoluteJoint* joints[4 * BW_MAX_PAIRS] = {};
    int pairs = 0;
    float time_step = 1.0f / 50.0f;
    int velocity_iterations = 180;
    int position_iterations = 60;
    double ray_dx[BW_LIDAR_RAYS] = {};
    double ray_dy[BW_LIDAR_RAYS] = {};

    ~Walker() { delete world; }
};

// Box2D asserts (and its Debian build keeps asserts) on polygons whose hull is degenerate; such polygons are
// skipped instead. Welding distance and area bound follow b2PolygonShape::Set / ComputeCentroid.
bool PolygonIsValid(const b2Vec2* v, int n) {
    if (n < 3 || n > b2_maxPolygonVertices) return false;
    const float weld = 0.5f * b2_linearSlop;
    int unique = 0;
    for (int i = 0; i < n; i++) {
        if (!std::isfinite(v[i].x) || !std::isfinite(v[i].y)) return false;
        bool dup = false;
        for (int j = 0; j < i; j++) {
            if (b2DistanceSquared(v[i], v[j]) < weld * weld) { dup = true; break; }
        }
        if (!dup) unique++;
    }
    if (unique < 3) return false;
    float best = 0.0f; // largest triangle: a proxy for "not collinear" that needs no hull
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            for (int k = j + 1; k < n; k++) {
                float a = std::fabs(b2Cross(v[j] - v[i], v[k] - v[i]));
                if (a > best) best = a;
            }
    return 0.5f * best > 1e-5f;
}

b2Body* CreateLegPart(b2World* world, float x, float y, float angle, float hw, float hh) {
    b2BodyDef bd;
    bd.type = b2_dynamicBody;
    bd.position.Set(x, y);
    bd.angle = angle;
    b2Body* body = world->CreateBody(&bd);
    b2PolygonShape box;
    box.SetAsBox(hw, hh);
    b2FixtureDef fd;
    fd.shape = &box;
    fd.density = 1.0f;
    fd.restitution = 0.0f;
    fd.filter.categoryBits = kWalkerCategory;
    fd.filter.maskBits = kGroundCategory;
    body->CreateFixture(&fd);
    return body;
}

b2RevoluteJoint* CreateJoint(b2World* world, b2Body* a, b2Body* b, b2Vec2 anchorA, b2Vec2 anchorB,
                             float torque, float speed, float lower, float upper) {
    b2RevoluteJointDef jd; // referenceAngle stays 0, as the reference sets local anchors directly
    jd.bodyA = a;
    jd.bodyB = b;
    jd.localAnchorA = anchorA;
    jd.localAnchorB = anchorB;
    jd.enableMotor = true;
    jd.enableLimit = true;
    jd.maxMotorTorque = torque;
    jd.motorSpeed = speed;
    jd.lowerAngle = lower;
    jd.upperAngle = upper;
    return static_cast<b2RevoluteJoint*>(world->CreateJoint(&jd));
}

void Read(Walker& w, float* out) {
    const b2Vec2& p = w.hull->GetPosition();
    const b2Vec2& v = w.hull->GetLinearVelocity();
    out[0] = w.hull->GetAngle();
    out[1] = w.hull->GetAngularVelocity();
    out[2] = v.x;
    out[3] = v.y;
    out[4] = p.x;
    out[5] = p.y;
    out[6] = w.listener.game_over ? 1.0f : 0.0f;
    float* o = out + BW_OUT_HEADER;
    const int joints = 4 * w.pairs;
    for (int j = 0; j < joints; j++) {
        *o++ = w.joints[j]->GetJointAngle();
        *o++ = w.joints[j]->GetJointSpeed();
    }
    for (int l = 0; l < 2 * w.pairs; l++) *o++ = w.listener.contact[l] ? 1.0f : 0.0f;
    // Ray end points are computed as the reference does (double, then stored as float in b2Vec2).
    LidarCallback& cb = w.lidar;
    for (int i = 0; i < BW_LIDAR_RAYS; i++) {
        cb.fraction = 1.0f;
        b2Vec2 p2(static_cast<float>(static_cast<double>(p.x) + w.ray_dx[i]),
                  static_cast<float>(static_cast<double>(p.y) - w.ray_dy[i]));
        w.world->RayCast(&cb, p, p2);
        *o++ = cb.fraction;
    }
}

} // namespace

extern "C" {

int bw_abi_version(void) { return BW_ABI_VERSION; }

int bw_output_size(int pairs) { return BW_OUT_HEADER + 8 * pairs + 2 * pairs + BW_LIDAR_RAYS; }

void* bw_create(void) {
    return new (std::nothrow) Walker();
}

void bw_destroy(void* handle) {
    delete static_cast<Walker*>(handle);
}

int bw_reset(void* handle, const double* edges, int edge_count, const double* polygon_xy,
             const int* polygon_counts, int polygon_count, const bw_walker_def* def) {
    Walker* w = static_cast<Walker*>(handle);
    if (!w || !def || def->pairs < 1 || def->pairs > BW_MAX_PAIRS || def->monitored_pairs < 0 ||
        def->monitored_pairs > def->pairs || def->hull_count < 3 || def->hull_count > BW_MAX_HULL_VERTICES)
        return -1;
    try {
        // A fresh world per episode: Box2D's broad-phase and allocators keep history, so reusing a world would
        // make an episode depend on the ones before it.
        delete w->world;
        w->world = nullptr;
        w->listener = ContactListener();
        w->world = new b2World(b2Vec2(0.0f, -10.0f));
        b2World* world = w->world;
        world->SetContactListener(&w->listener);

        int skipped = 0;
        // Polygons first, then edges, then the walker: the reference's creation order (it fixes body order).
        b2FixtureDef ground;
        ground.friction = 2.5f;
        int offset = 0;
        for (int i = 0; i < polygon_count; i++) {
            int n = polygon_counts[i];
            b2Vec2 v[b2_maxPolygonVertices];
            bool fits = n >= 3 && n <= b2_maxPolygonVertices;
            for (int k = 0; fits && k < n; k++)
                v[k].Set(static_cast<float>(polygon_xy[2 * (offset + k)]), static_cast<float>(polygon_xy[2 * (offset + k) + 1]));
            offset += n;
            if (!fits || !PolygonIsValid(v, n)) { skipped++; continue; }
            b2PolygonShape shape;
            shape.Set(v, n);
            b2BodyDef bd;
            b2Body* body = world->CreateBody(&bd);
            ground.shape = &shape;
            body->CreateFixture(&ground);
        }
        for (int i = 0; i < edge_count; i++) {
            b2Vec2 a(static_cast<float>(edges[4 * i]), static_cast<float>(edges[4 * i + 1]));
            b2Vec2 b(static_cast<float>(edges[4 * i + 2]), static_cast<float>(edges[4 * i + 3]));
            if (b2DistanceSquared(a, b) < 0.25f * b2_linearSlop * b2_linearSlop) continue;
            b2EdgeShape shape;
            shape.SetTwoSided(a, b); // pybox2d's Box2D 2.3 edges collide from both sides
            b2BodyDef bd;
            b2Body* body = world->CreateBody(&bd);
            ground.shape = &shape;
            body->CreateFixture(&ground);
        }

        b2BodyDef hd;
        hd.type = b2_dynamicBody;
        hd.position.Set(def->init_x, def->init_y);
        w->hull = world->CreateBody(&hd);
        b2Vec2 hv[BW_MAX_HULL_VERTICES];
        for (int k = 0; k < def->hull_count; k++) hv[k].Set(def->hull_vertices[2 * k], def->hull_vertices[2 * k + 1]);
        b2PolygonShape hullShape;
        hullShape.Set(hv, def->hull_count);
        b2FixtureDef hf;
        hf.shape = &hullShape;
        hf.density = 5.0f;
        hf.friction = 0.1f;
        hf.restitution = 0.0f;
        hf.filter.categoryBits = kWalkerCategory;
        hf.filter.maskBits = kGroundCategory;
        w->hull->CreateFixture(&hf);
        w->hull->ApplyForceToCenter(b2Vec2(def->initial_force_x, 0.0f), true);

        w->pairs = def->pairs;
        w->listener.hull = w->hull;
        w->listener.monitored = 2 * def->monitored_pairs;
        // Positions and sizes that the reference computes in double arrive precomputed, rounded once to float.
        const float lh = def->leg_h, lw = def->leg_w, down = def->leg_down;
        int j = 0;
        for (int p = 0; p < def->pairs; p++) {
            for (int side = -1; side <= 1; side += 2) {
                float angle = side * 0.05f;
                b2Body* upper = CreateLegPart(world, def->body_x[p], def->upper_y, angle, lw / 2, lh / 2);
                w->joints[j++] = CreateJoint(world, w->hull, upper, b2Vec2(def->anchor_x[p], down), b2Vec2(0, lh / 2),
                                             def->motors_torque, static_cast<float>(side), -0.8f, 1.1f);
                b2Body* lower = CreateLegPart(world, def->body_x[p], def->lower_y, angle, def->lower_half_w, lh / 2);
                w->joints[j++] = CreateJoint(world, upper, lower, b2Vec2(0, -lh / 2), b2Vec2(0, lh / 2),
                                             def->motors_torque, 1.0f, -1.6f, -0.1f);
                w->listener.lower[2 * p + (side + 1) / 2] = lower;
            }
        }

        w->time_step = def->time_step;
        w->velocity_iterations = def->velocity_iterations;
        w->position_iterations = def->position_iterations;
        w->lidar.mode = def->lidar_mode;
        for (int i = 0; i < BW_LIDAR_RAYS; i++) {
            double a = 1.5 * i / BW_LIDAR_RAYS;
            w->ray_dx[i] = std::sin(a) * def->lidar_range;
            w->ray_dy[i] = std::cos(a) * def->lidar_range;
        }
        return skipped;
    } catch (...) {
        delete w->world;
        w->world = nullptr;
        return -1;
    }
}

int bw_step(void* handle, const float* motor, float* out) {
    Walker* w = static_cast<Walker*>(handle);
    if (!w || !w->world) return -1;
    const int joints = 4 * w->pairs;
    for (int j = 0; j < joints; j++) {
        w->joints[j]->SetMotorSpeed(motor[2 * j]);
        w->joints[j]->SetMaxMotorTorque(motor[2 * j + 1]);
    }
    w->world->Step(w->time_step, w->velocity_iterations, w->position_iterations);
    Read(*w, out);
    return 0;
}

int bw_read_bodies(void* handle, float* out) {
    Walker* w = static_cast<Walker*>(handle);
    if (!w || !w->world || !w->hull) return -1;
    out[0] = w->hull->GetPosition().x;
    out[1] = w->hull->GetPosition().y;
    out[2] = w->hull->GetAngle();
    const int joints = 4 * w->pairs;
    for (int j = 0; j < joints; j++) {
        const b2Body* b = w->joints[j]->GetBodyB();
        out[3 * (j + 1)] = b->GetPosition().x;
        out[3 * (j + 1) + 1] = b->GetPosition().y;
        out[3 * (j + 1) + 2] = b->GetAngle();
    }
    return 1 + joints;
}

} // extern "C"
