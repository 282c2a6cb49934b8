// Box2D 2.4.1 shim for CarRacing (Gymnasium gymnasium/envs/box2d/car_racing.py and car_dynamics.py). The wheel
// model runs here in double, with the reference's expression order, so that its rounding matches the reference's
// Python floats; values cross into Box2D as float where pybox2d converts them. Every entry point is noexcept at
// the C boundary: C++ exceptions never cross into the managed caller.
#include "car_racing_shim.h"

#include <box2d/box2d.h>

#include <algorithm>
#include <cmath>
#include <new>
#include <vector>

namespace {

// car_dynamics.py constants, written as the reference writes them (left-to-right double arithmetic).
const double kSize = 0.02;
const double kEnginePower = 100000000 * kSize * kSize;
const double kWheelMomentOfInertia = 4000 * kSize * kSize;
const double kFrictionLimit = 1000000 * kSize * kSize;
const double kWheelR = 27;
const double kWheelW = 14;
const double kFrontK = 1.0; // the reference's front_k is 1.0 for every wheel
const double kWheelRad = kFrontK * kWheelR * kSize;
const double kForceCoefficient = 205000 * kSize * kSize;
const double kBrakeForce = 15; // rad/s per step at full brake
const double kRoadFriction = 1.0;
const double kGrassFriction = 0.6;
const double kTimeStep = 1.0 / 50;
const int kVelocityIterations = 6 * 30;
const int kPositionIterations = 2 * 30;

const double kWheelPos[CR_WHEELS][2] = {{-55, +80}, {+55, +80}, {-55, -82}, {+55, -82}};
const double kHull1[][2] = {{-60, +130}, {+60, +130}, {+60, +110}, {-60, +110}};
const double kHull2[][2] = {{-15, +120}, {+15, +120}, {+20, +20}, {-20, 20}};
const double kHull3[][2] = {{+25, +20}, {+50, -10}, {+50, -40}, {+20, -90},
                            {-20, -90}, {-50, -40}, {-50, -10}, {-25, +20}};
const double kHull4[][2] = {{-50, -120}, {+50, -120}, {+50, -90}, {-50, -90}};

enum class Kind { Tile, Wheel };

struct Tag {
    Kind kind;
    int index;
};

double Sign(double v) { return v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0); } // np.sign (NaN never reaches here)

// FrictionDetector of the reference: a tile touched by any car fixture takes the plain road colour; a wheel's
// begin/end contact adds/removes the tile from the wheel's set, and a wheel's first touch visits the tile.
struct Listener final : b2ContactListener {
    std::vector<unsigned char> flags;
    int wheel_tiles[CR_WHEELS] = {};
    int new_tiles = 0;
    int visited = 0;
    bool new_lap = false;
    double lap_complete_percent = 0.95;

    void BeginContact(b2Contact* c) override { Handle(c, true); }
    void EndContact(b2Contact* c) override { Handle(c, false); }

    static const Tag* TagOf(b2Fixture* f) {
        return reinterpret_cast<const Tag*>(f->GetBody()->GetUserData().pointer);
    }

    void Handle(b2Contact* c, bool begin) {
        const Tag* a = TagOf(c->GetFixtureA());
        const Tag* b = TagOf(c->GetFixtureB());
        const Tag* tile = nullptr;
        const Tag* obj = nullptr;
        if (a && a->kind == Kind::Tile) { tile = a; obj = b; }
        if (b && b->kind == Kind::Tile) { tile = b; obj = a; }
        if (!tile) return;
        unsigned char& f = flags[tile->index];
        f |= CR_TILE_TOUCHED;
        if (!obj || obj->kind != Kind::Wheel) return;
        if (!begin) {
            wheel_tiles[obj->index]--;
            return;
        }
        wheel_tiles[obj->index]++;
        if (f & CR_TILE_VISITED) return;
        f |= CR_TILE_VISITED;
        new_tiles++;
        visited++;
        if (tile->index == 0 &&
            static_cast<double>(visited) / static_cast<double>(flags.size()) > lap_complete_percent)
            new_lap = true;
    }
};

struct Wheel {
    b2Body* body = nullptr;
    b2RevoluteJoint* joint = nullptr;
    double gas = 0, brake = 0, steer = 0, phase = 0, omega = 0;
};

struct Car {
    b2World* world = nullptr;
    Listener listener;
    std::vector<Tag> tile_tags;
    Tag wheel_tags[CR_WHEELS];
    b2Body* hull = nullptr;
    Wheel wheels[CR_WHEELS];
    int skid[CR_WHEELS] = {};

    ~Car() { delete world; }
};

template <int N>
void AddPolygon(b2Body* body, const double (&poly)[N][2], double scale, b2FixtureDef fd) {
    b2Vec2 v[N];
    for (int k = 0; k < N; k++)
        v[k].Set(static_cast<float>(poly[k][0] * scale), static_cast<float>(poly[k][1] * scale));
    b2PolygonShape shape;
    shape.Set(v, N);
    fd.shape = &shape;
    body->CreateFixture(&fd);
}

// Box2D asserts (the Debian build keeps asserts) on a polygon whose hull is degenerate; tiles are ~3.5 x 13 m,
// so this only guards against bad input.
bool QuadIsValid(const b2Vec2* v) {
    for (int i = 0; i < 4; i++)
        if (!std::isfinite(v[i].x) || !std::isfinite(v[i].y)) return false;
    float area = 0.0f;
    for (int i = 0; i < 4; i++) area += b2Cross(v[i], v[(i + 1) % 4]);
    return std::fabs(0.5f * area) > 1e-3f;
}

void ReadBody(const b2Body* b, cr_body* o) {
    const b2Transform& t = b->GetTransform();
    const b2Vec2& v = b->GetLinearVelocity();
    o->x = t.p.x;
    o->y = t.p.y;
    o->c = t.q.c;
    o->s = t.q.s;
    o->angle = b->GetAngle();
    o->vx = v.x;
    o->vy = v.y;
    o->omega = b->GetAngularVelocity();
}

void Read(const Car& car, cr_state* out) {
    ReadBody(car.hull, &out->hull);
    for (int i = 0; i < CR_WHEELS; i++) {
        const Wheel& w = car.wheels[i];
        ReadBody(w.body, &out->wheels[i]);
        out->wheel_omega[i] = w.omega;
        out->wheel_phase[i] = w.phase;
        out->wheel_gas[i] = w.gas;
        out->joint_angle[i] = w.joint->GetJointAngle();
        out->wheel_tiles[i] = car.listener.wheel_tiles[i];
        out->wheel_skid[i] = car.skid[i];
    }
    out->new_tiles = car.listener.new_tiles;
    out->tiles_visited = car.listener.visited;
    out->new_lap = car.listener.new_lap ? 1 : 0;
    out->tile_count = static_cast<int>(car.listener.flags.size());
}

// Car.step of the reference: steering motors, then per wheel the friction limit from the tiles it touches, the
// engine and brake on the wheel's spin, and the friction force that pulls wheel and ground speeds together.
void CarStep(Car& car, double dt) {
    for (int i = 0; i < CR_WHEELS; i++) {
        Wheel& w = car.wheels[i];
        double diff = w.steer - static_cast<double>(w.joint->GetJointAngle());
        w.joint->SetMotorSpeed(static_cast<float>(Sign(diff) * std::min(50.0 * std::fabs(diff), 3.0)));

        double friction_limit = kFrictionLimit * kGrassFriction;
        if (car.listener.wheel_tiles[i] > 0) friction_limit = std::max(friction_limit, kFrictionLimit * kRoadFriction);

        b2Vec2 forw = w.body->GetWorldVector(b2Vec2(0.0f, 1.0f));
        b2Vec2 side = w.body->GetWorldVector(b2Vec2(1.0f, 0.0f));
        b2Vec2 v = w.body->GetLinearVelocity();
        double vf = static_cast<double>(forw.x) * v.x + static_cast<double>(forw.y) * v.y;
        double vs = static_cast<double>(side.x) * v.x + static_cast<double>(side.y) * v.y;

        // Power = moment * omega * domega/dt, with a small constant against division by zero.
        w.omega += dt * kEnginePower * w.gas / kWheelMomentOfInertia / (std::fabs(w.omega) + 5.0);

        if (w.brake >= 0.9) {
            w.omega = 0;
        } else if (w.brake > 0) {
            double dir = -Sign(w.omega);
            double val = kBrakeForce * w.brake;
            if (std::fabs(val) > std::fabs(w.omega)) val = std::fabs(w.omega);
            w.omega += dir * val;
        }
        w.phase += w.omega * dt;

        double vr = w.omega * kWheelRad;
        double f_force = -vf + vr;
        double p_force = -vs;
        f_force *= kForceCoefficient;
        p_force *= kForceCoefficient;
        double force = std::sqrt(f_force * f_force + p_force * p_force);
        car.skid[i] = std::fabs(force) > 2.0 * friction_limit ? 1 : 0;
        if (std::fabs(force) > friction_limit) {
            f_force /= force;
            p_force /= force;
            force = friction_limit;
            f_force *= force;
            p_force *= force;
        }
        w.omega -= dt * f_force * kWheelRad / kWheelMomentOfInertia;
        w.body->ApplyForceToCenter(b2Vec2(static_cast<float>(p_force * side.x + f_force * forw.x),
                                          static_cast<float>(p_force * side.y + f_force * forw.y)),
                                   true);
    }
}

} // namespace

extern "C" {

int cr_abi_version(void) { return CR_ABI_VERSION; }

void* cr_create(void) { return new (std::nothrow) Car(); }

void cr_destroy(void* handle) { delete static_cast<Car*>(handle); }

const unsigned char* cr_tile_flags(void* handle) {
    Car* car = static_cast<Car*>(handle);
    if (!car || !car->world || car->listener.flags.empty()) return nullptr;
    return car->listener.flags.data();
}

int cr_reset(void* handle, const double* tile_xy, int tile_count, double angle, double x, double y,
             double lap_complete_percent) {
    Car* car = static_cast<Car*>(handle);
    if (!car || !tile_xy || tile_count < 1) return -1;
    try {
        // A fresh world per episode: Box2D's broad-phase and allocators keep history, so reusing a world would
        // make an episode depend on the ones before it.
        delete car->world;
        car->world = nullptr;
        car->listener = Listener();
        car->listener.flags.assign(static_cast<size_t>(tile_count), 0);
        car->listener.lap_complete_percent = lap_complete_percent;
        car->tile_tags.assign(static_cast<size_t>(tile_count), Tag{Kind::Tile, 0});
        for (int i = 0; i < tile_count; i++) car->tile_tags[i].index = i;

        for (int i = 0; i < tile_count; i++) {
            b2Vec2 v[4];
            for (int k = 0; k < 4; k++)
                v[k].Set(static_cast<float>(tile_xy[8 * i + 2 * k]), static_cast<float>(tile_xy[8 * i + 2 * k + 1]));
            if (!QuadIsValid(v)) return -2;
        }

        car->world = new b2World(b2Vec2(0.0f, 0.0f));
        b2World* world = car->world;
        world->SetContactListener(&car->listener);

        // Creation order as the reference: tiles, hull, then each wheel followed by its joint.
        for (int i = 0; i < tile_count; i++) {
            b2Vec2 v[4];
            for (int k = 0; k < 4; k++)
                v[k].Set(static_cast<float>(tile_xy[8 * i + 2 * k]), static_cast<float>(tile_xy[8 * i + 2 * k + 1]));
            b2PolygonShape shape;
            shape.Set(v, 4);
            b2BodyDef bd;
            bd.userData.pointer = reinterpret_cast<uintptr_t>(&car->tile_tags[i]);
            b2Body* body = world->CreateBody(&bd);
            b2FixtureDef fd;
            fd.shape = &shape;
            fd.isSensor = true; // the reference sets it right after creation
            body->CreateFixture(&fd);
        }

        b2BodyDef hd;
        hd.type = b2_dynamicBody;
        hd.position.Set(static_cast<float>(x), static_cast<float>(y));
        hd.angle = static_cast<float>(angle);
        car->hull = world->CreateBody(&hd); // no user data: the listener ignores the hull beyond colouring
        b2FixtureDef hf;
        hf.density = 1.0f;
        AddPolygon(car->hull, kHull1, kSize, hf);
        AddPolygon(car->hull, kHull2, kSize, hf);
        AddPolygon(car->hull, kHull3, kSize, hf);
        AddPolygon(car->hull, kHull4, kSize, hf);

        const double wheelPoly[4][2] = {{-kWheelW, +kWheelR}, {+kWheelW, +kWheelR}, {+kWheelW, -kWheelR}, {-kWheelW, -kWheelR}};
        for (int i = 0; i < CR_WHEELS; i++) {
            double wx = kWheelPos[i][0], wy = kWheelPos[i][1];
            car->wheel_tags[i] = Tag{Kind::Wheel, i};
            b2BodyDef wd;
            wd.type = b2_dynamicBody;
            wd.position.Set(static_cast<float>(x + wx * kSize), static_cast<float>(y + wy * kSize));
            wd.angle = static_cast<float>(angle);
            wd.userData.pointer = reinterpret_cast<uintptr_t>(&car->wheel_tags[i]);
            b2Body* wb = world->CreateBody(&wd);
            b2FixtureDef wf;
            wf.density = 0.1f;
            wf.filter.categoryBits = 0x0020;
            wf.filter.maskBits = 0x001;
            wf.restitution = 0.0f;
            double scaled[4][2];
            for (int k = 0; k < 4; k++) {
                scaled[k][0] = wheelPoly[k][0] * kFrontK;
                scaled[k][1] = wheelPoly[k][1] * kFrontK;
            }
            AddPolygon(wb, scaled, kSize, wf);

            b2RevoluteJointDef jd; // referenceAngle stays 0, as the reference sets local anchors directly
            jd.bodyA = car->hull;
            jd.bodyB = wb;
            jd.localAnchorA.Set(static_cast<float>(wx * kSize), static_cast<float>(wy * kSize));
            jd.localAnchorB.Set(0.0f, 0.0f);
            jd.enableMotor = true;
            jd.enableLimit = true;
            jd.maxMotorTorque = static_cast<float>(180 * 900 * kSize * kSize);
            jd.motorSpeed = 0.0f;
            jd.lowerAngle = -0.4f;
            jd.upperAngle = +0.4f;
            car->wheels[i] = Wheel();
            car->skid[i] = 0;
            car->wheels[i].body = wb;
            car->wheels[i].joint = static_cast<b2RevoluteJoint*>(world->CreateJoint(&jd));
        }
        return 0;
    } catch (...) {
        delete car->world;
        car->world = nullptr;
        return -1;
    }
}

int cr_step(void* handle, int has_action, double steer, double gas, double brake, cr_state* out) {
    Car* car = static_cast<Car*>(handle);
    if (!car || !car->world || !out) return -1;
    if (has_action) {
        // Car.steer / Car.gas (rear-wheel drive, ramped up by at most 0.1 a step) / Car.brake.
        car->wheels[0].steer = steer;
        car->wheels[1].steer = steer;
        double g = std::min(std::max(gas, 0.0), 1.0);
        for (int i = 2; i < 4; i++) {
            double diff = g - car->wheels[i].gas;
            if (diff > 0.1) diff = 0.1;
            car->wheels[i].gas += diff;
        }
        for (Wheel& w : car->wheels) w.brake = brake;
    }
    car->listener.new_tiles = 0;
    CarStep(*car, kTimeStep);
    car->world->Step(static_cast<float>(kTimeStep), kVelocityIterations, kPositionIterations);
    Read(*car, out);
    return 0;
}

} // extern "C"
