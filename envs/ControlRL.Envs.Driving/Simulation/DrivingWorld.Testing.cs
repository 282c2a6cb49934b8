using ControlRL.Envs.Driving.Geometry;

namespace ControlRL.Envs.Driving.Simulation;

/// <summary>Hooks for tests that build exact situations: place the ego, add actors, set the light clock.</summary>
public sealed partial class DrivingWorld
{
    /// <summary>Moves the ego (box centre) and re-derives everything that depends on it.</summary>
    internal void PlaceEgo(Vec2 centre, double heading, double speed)
    {
        Ego.Reset(centre, heading, speed);
        LocateEgo(initial: false);
        RebuildLaneLists();
        UpdateEgoGate();
        BuildActors();
    }

    /// <summary>Adds a parked car or static object; returns its id.</summary>
    internal int AddStaticActor(ActorKind kind, Vec2 centre, double heading, double halfLength, double halfWidth)
    {
        int k = AddStatic(kind, centre, heading, halfLength, halfWidth, -1);
        if (k < 0) throw new InvalidOperationException("static actor pool is full.");
        BuildActors();
        return _statics[k].State.Id;
    }

    /// <summary>Adds a moving vehicle on a lane (arc length s) with given speed and IDM parameters; returns its id.</summary>
    internal int AddVehicle(int lane, double s, double speed, double speedFactor = 1.0, IdmParameters? idm = null, double halfLength = 2.45, double halfWidth = 0.92)
    {
        int slot = -1;
        for (int i = 1; i < _agents.Length; i++)
            if (!_agents[i].Active)
            {
                slot = i;
                break;
            }
        if (slot < 0) throw new InvalidOperationException("vehicle pool is full.");
        ref var a = ref _agents[slot];
        a = default;
        a.Active = true;
        a.Id = NewId();
        a.Lane = lane;
        a.S = s;
        a.Speed = speed;
        a.HalfLength = halfLength;
        a.HalfWidth = halfWidth;
        a.SpeedFactor = speedFactor;
        a.Idm = idm ?? new IdmParameters(1.5, 3.0, 1.2, 2.0);
        a.Next0 = PickNext(lane);
        a.Next1 = PickNext(a.Next0);
        a.PrevLane = -1;
        a.Arrival = double.PositiveInfinity;
        Place(ref a);
        RebuildLaneLists();
        BuildActors();
        VehicleCount = CountVehicles();
        return a.Id;
    }

    /// <summary>Adds a pedestrian walking from <paramref name="from"/> to <paramref name="to"/> (then it disappears); returns its id.</summary>
    internal int AddPedestrian(Vec2 from, Vec2 to, double speed)
    {
        int slot = FreePedSlot();
        if (slot < 0) throw new InvalidOperationException("pedestrian pool is full.");
        ref var p = ref _peds[slot];
        p = default;
        p.Active = true;
        p.Id = NewId();
        p.Mode = PedMode.Jaywalk;
        p.Scenario = -1;
        p.Crossing = -1;
        p.Speed = speed;
        p.From = from;
        p.To = to;
        p.Len = from.DistanceTo(to);
        p.Pos = from;
        Vec2 dir = (to - from).Normalized();
        p.Heading = dir.Heading;
        p.Vel = dir * speed;
        BuildActors();
        PedestrianCount = CountPeds();
        return p.Id;
    }

    /// <summary>Sets the light clock (seconds into the signal plans) for the current time.</summary>
    internal void SetLightClock(double clock)
    {
        _clockShift = clock - Time;
        Signals.Update(clock);
    }
}
