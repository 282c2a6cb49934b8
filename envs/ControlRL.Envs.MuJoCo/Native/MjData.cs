namespace ControlRL.Envs.MuJoCo.Native;

/// <summary>
/// Simulation state (mjData*) for one <see cref="MjModel"/>. Keeps the model's native memory alive until this
/// data is released, even if the MjModel is disposed first. Spans alias native memory and are recomputed from
/// the struct on each access (no allocation). Not thread-safe: one thread steps one MjData.
/// </summary>
public sealed unsafe class MjData : IDisposable
{
    private readonly MjDataHandle _handle;
    private bool _disposed;
    private readonly byte* _m;
    private readonly byte* _d;

    public MjData(MjModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _m = model.Ptr;
        _handle = MjDataHandle.Create(model.SafeHandle);
        _d = (byte*)_handle.DangerousGetHandle();
        Model = model;
    }

    public MjModel Model { get; }

    private byte* D
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _d;
        }
    }

    /// <summary>The native mjData*.</summary>
    public IntPtr Handle => (IntPtr)D;

    /// <summary>Simulation time in seconds.</summary>
    public double Time
    {
        get => *(double*)(D + MjLayout.DataScalar.time);
        set => *(double*)(D + MjLayout.DataScalar.time) = value;
    }

    public Span<double> Qpos => MjLayout.DataArray.qpos(_m, D);
    public Span<double> Qvel => MjLayout.DataArray.qvel(_m, D);
    public Span<double> Act => MjLayout.DataArray.act(_m, D);
    public Span<double> Ctrl => MjLayout.DataArray.ctrl(_m, D);
    public Span<double> Qacc => MjLayout.DataArray.qacc(_m, D);

    /// <summary>xpos, nbody x 3.</summary>
    public Span<double> Xpos => MjLayout.DataArray.xpos(_m, D);

    /// <summary>xquat, nbody x 4.</summary>
    public Span<double> Xquat => MjLayout.DataArray.xquat(_m, D);

    /// <summary>cinert, nbody x 10.</summary>
    public Span<double> Cinert => MjLayout.DataArray.cinert(_m, D);

    /// <summary>cvel, nbody x 6.</summary>
    public Span<double> Cvel => MjLayout.DataArray.cvel(_m, D);

    /// <summary>cfrc_ext, nbody x 6. mj_step leaves it zero: call <see cref="RnePostConstraint"/> after stepping.</summary>
    public Span<double> CfrcExt => MjLayout.DataArray.cfrc_ext(_m, D);

    /// <summary>qfrc_actuator, nv.</summary>
    public Span<double> QfrcActuator => MjLayout.DataArray.qfrc_actuator(_m, D);

    /// <summary>subtree_com, nbody x 3.</summary>
    public Span<double> SubtreeCom => MjLayout.DataArray.subtree_com(_m, D);

    /// <summary>Body centres of mass in world coordinates (nbody x 3).</summary>
    public Span<double> Xipos => MjLayout.DataArray.xipos(_m, D);

    /// <summary>How many times the warning was raised (data->warning[w].number). MuJoCo reports each kind
    /// through the log only the first time; the counter keeps counting.</summary>
    public int WarningCount(MjWarning w)
    {
        if ((uint)w >= MjLayout.Warn.mjNWARNING) throw new ArgumentOutOfRangeException(nameof(w), w, null);
        return *(int*)(D + MjLayout.DataVector.warning + (int)w * MjLayout.DataVector.SizeOfWarningStat
                       + MjLayout.DataVector.WarningStatNumber);
    }

    /// <summary>Zeroes all warning counters (and their lastinfo).</summary>
    public void ClearWarnings() =>
        new Span<byte>(D + MjLayout.DataVector.warning, MjLayout.Warn.mjNWARNING * MjLayout.DataVector.SizeOfWarningStat).Clear();

    /// <summary>mj_step: one integration step.</summary>
    public void Step()
    {
        MjNative.mj_step((IntPtr)_m, (IntPtr)D);
        GC.KeepAlive(this);
    }

    /// <summary>mj_forward: recompute derived quantities without integrating.</summary>
    public void Forward()
    {
        MjNative.mj_forward((IntPtr)_m, (IntPtr)D);
        GC.KeepAlive(this);
    }

    /// <summary>mj_resetData: back to qpos0, zero velocities/controls, time 0, warnings cleared.</summary>
    public void Reset()
    {
        MjNative.mj_resetData((IntPtr)_m, (IntPtr)D);
        GC.KeepAlive(this);
    }

    /// <summary>mj_rnePostConstraint: fills cacc, cfrc_int and cfrc_ext.</summary>
    public void RnePostConstraint()
    {
        MjNative.mj_rnePostConstraint((IntPtr)_m, (IntPtr)D);
        GC.KeepAlive(this);
    }

    public void Dispose()
    {
        // The native struct itself is freed when the last holder lets go (an MjData keeps its model's).
        _disposed = true;
        _handle.Dispose();
    }
}
