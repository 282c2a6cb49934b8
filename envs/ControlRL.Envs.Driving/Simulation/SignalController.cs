using ControlRL.Envs.Driving.Roads;

namespace ControlRL.Envs.Driving.Simulation;

/// <summary>
/// Fixed-time traffic lights from each junction's <see cref="SignalTiming"/>: phase group g is green during slot g
/// of the cycle (slots of green + yellow + all-red seconds), then yellow, then red until its slot comes again; the
/// all-red seconds at the end of each slot are red for every group. Stop signs report <see cref="LightState.Red"/>
/// (they always demand a stop). States are a pure function of the clock, so they cannot drift from the seed.
/// </summary>
public sealed class SignalController
{
    private readonly RoadNetwork _town;
    private readonly LightState[] _states;
    private readonly double[] _remaining;

    public SignalController(RoadNetwork town)
    {
        ArgumentNullException.ThrowIfNull(town);
        _town = town;
        _states = new LightState[town.Signals.Count];
        _remaining = new double[town.Signals.Count];
    }

    /// <summary>Light clock, s (the world's time plus a per-episode shift).</summary>
    public double Clock { get; private set; }

    public ReadOnlySpan<LightState> States => _states;

    public LightState State(int signalId) => _states[signalId];

    /// <summary>Seconds until the signal's state next changes (infinity for stop signs).</summary>
    public double TimeToChange(int signalId) => _remaining[signalId];

    /// <summary>Seconds until the signal turns red (0 when red; infinity for stop signs).</summary>
    public double TimeToRed(int signalId)
    {
        var s = _town.Signals[signalId];
        if (s.Kind == SignalKind.StopSign) return double.PositiveInfinity;
        return _states[signalId] switch
        {
            LightState.Green => _remaining[signalId] + _town.Junctions[s.JunctionId].Timing.Yellow,
            LightState.Yellow => _remaining[signalId],
            _ => 0,
        };
    }

    /// <summary>Seconds the signal stays red from now (0 unless red; infinity for stop signs).</summary>
    public double RemainingRed(int signalId)
    {
        var s = _town.Signals[signalId];
        if (s.Kind == SignalKind.StopSign) return double.PositiveInfinity;
        if (_states[signalId] != LightState.Red) return 0;
        return _remaining[signalId];
    }

    public void Update(double clock)
    {
        Clock = clock;
        var signals = _town.Signals;
        for (int i = 0; i < signals.Count; i++)
        {
            var sig = signals[i];
            if (sig.Kind == SignalKind.StopSign)
            {
                _states[i] = LightState.Red;
                _remaining[i] = double.PositiveInfinity;
                continue;
            }
            var j = _town.Junctions[sig.JunctionId];
            (_states[i], _remaining[i]) = Evaluate(j.Timing, Math.Max(1, j.PhaseGroups), sig.PhaseGroup, clock);
        }
    }

    /// <summary>The state of phase group <paramref name="group"/> at <paramref name="clock"/> and the seconds until it changes.</summary>
    public static (LightState State, double Remaining) Evaluate(SignalTiming t, int groups, int group, double clock)
    {
        double slot = t.Green + t.Yellow + t.AllRed;
        double cycle = groups * slot;
        double phase = (clock + t.Offset - group * slot) % cycle;
        if (phase < 0) phase += cycle;
        if (phase < t.Green) return (LightState.Green, t.Green - phase);
        if (phase < t.Green + t.Yellow) return (LightState.Yellow, t.Green + t.Yellow - phase);
        return (LightState.Red, cycle - phase);
    }
}
