using ControlRL.Envs.Driving.Geometry;

namespace ControlRL.Envs.Driving.Simulation;

/// <summary>What occupies space besides the ego (BEV channels and collision kinds follow it).</summary>
public enum ActorKind
{
    /// <summary>A moving vehicle (collision: collisions_vehicle).</summary>
    Vehicle,

    /// <summary>A pedestrian (collision: collisions_pedestrian).</summary>
    Pedestrian,

    /// <summary>A parked car: static, but a vehicle for collisions (as a parked car is in CARLA).</summary>
    ParkedVehicle,

    /// <summary>A static obstacle: cones, barriers, debris (collision: collisions_layout).</summary>
    StaticObject,
}

/// <summary>One actor's state after a step: footprint, velocity (world frame, m/s) and identity.</summary>
public readonly record struct ActorState(int Id, ActorKind Kind, OrientedBox Box, Vec2 Velocity)
{
    public double Speed => Velocity.Length;
}

/// <summary>A traffic light's colour (stop signs have no state).</summary>
public enum LightState : byte
{
    Green,
    Yellow,
    Red,
}
