using System.Text;

namespace ControlRL.Envs.MuJoCo.Native;

/// <summary>
/// A compiled MuJoCo model (mjModel*). Sizes and arrays are read from the native struct through the generated
/// offsets in MjLayout.g.cs; spans alias native memory and are valid until the model is disposed.
/// Not thread-safe for mutation; reading from several threads is fine.
/// </summary>
public sealed unsafe class MjModel : IDisposable
{
    private const int ErrorBufferSize = 1000;

    // mj_loadXML in 2.2 shares parser/compiler state; loading is rare, so serialize it.
    private static readonly object LoadGate = new();

    private readonly MjModelHandle _handle;
    private bool _disposed;
    private readonly byte* _m;

    private MjModel(MjModelHandle handle)
    {
        _handle = handle;
        _m = (byte*)handle.DangerousGetHandle();
    }

    /// <summary>Loads and compiles an MJCF file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="MuJoCoException">MuJoCo rejected the model; the message holds MuJoCo's text.</exception>
    public static MjModel LoadXml(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"MJCF file not found: '{path}' (looked for '{full}').", full);
        }
        return Load(full, path);
    }

    /// <summary>Compiles MJCF text. It is written to a temporary file (deleted afterwards), so relative asset
    /// paths in it resolve against the temp directory: use absolute paths or <see cref="LoadXml"/> for those.</summary>
    public static MjModel FromXmlString(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        string tmp = Path.Combine(Path.GetTempPath(), $"controlrl-mjcf-{Guid.NewGuid():N}.xml");
        File.WriteAllText(tmp, xml, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        try
        {
            return Load(tmp, "<XML string>");
        }
        finally
        {
            try { File.Delete(tmp); } catch (IOException) { /* temp dir cleanup is best effort */ }
        }
    }

    private static MjModel Load(string file, string displayName)
    {
        byte* error = stackalloc byte[ErrorBufferSize];
        error[0] = 0;
        IntPtr m;
        lock (LoadGate)
        {
            m = MjNative.mj_loadXML(file, IntPtr.Zero, error, ErrorBufferSize);
        }
        if (m == IntPtr.Zero)
        {
            error[ErrorBufferSize - 1] = 0;
            string msg = MuJoCoLibrary.FromUtf8(error).Trim();
            if (msg.Length == 0) msg = "mj_loadXML returned NULL without an error message";
            throw new MuJoCoException($"Failed to load MJCF '{displayName}': {msg}");
        }
        return new MjModel(new MjModelHandle(m));
    }

    internal MjModelHandle SafeHandle => _handle;

    internal byte* Ptr
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _m;
        }
    }

    /// <summary>The native mjModel*.</summary>
    public IntPtr Handle => (IntPtr)Ptr;

    public int Nq => *(int*)(Ptr + MjLayout.ModelInt.nq);
    public int Nv => *(int*)(Ptr + MjLayout.ModelInt.nv);
    public int Nu => *(int*)(Ptr + MjLayout.ModelInt.nu);
    public int Na => *(int*)(Ptr + MjLayout.ModelInt.na);
    public int Nbody => *(int*)(Ptr + MjLayout.ModelInt.nbody);
    public int Njnt => *(int*)(Ptr + MjLayout.ModelInt.njnt);
    public int Ngeom => *(int*)(Ptr + MjLayout.ModelInt.ngeom);

    /// <summary>opt.timestep in seconds.</summary>
    public double Timestep
    {
        get => *(double*)(Ptr + MjLayout.ModelOpt.timestep);
        set
        {
            if (!(value > 0) || !double.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Timestep must be positive and finite.");
            }
            *(double*)(Ptr + MjLayout.ModelOpt.timestep) = value;
        }
    }

    /// <summary>opt.integrator (mjtIntegrator: 0 Euler, 1 RK4, 2 implicit in 2.2).</summary>
    public int Integrator => *(int*)(Ptr + MjLayout.ModelOpt.integrator);

    /// <summary>actuator_ctrlrange, nu x 2.</summary>
    public Span<double> ActuatorCtrlRange => MjLayout.ModelArray.actuator_ctrlrange(Ptr);

    /// <summary>actuator_ctrllimited, nu.</summary>
    public Span<byte> ActuatorCtrlLimited => MjLayout.ModelArray.actuator_ctrllimited(Ptr);

    /// <summary>actuator_gear, nu x 6.</summary>
    public Span<double> ActuatorGear => MjLayout.ModelArray.actuator_gear(Ptr);

    /// <summary>jnt_range, njnt x 2.</summary>
    public Span<double> JntRange => MjLayout.ModelArray.jnt_range(Ptr);

    /// <summary>body_mass, nbody.</summary>
    public Span<double> BodyMass => MjLayout.ModelArray.body_mass(Ptr);

    /// <summary>qpos0, nq.</summary>
    public Span<double> Qpos0 => MjLayout.ModelArray.qpos0(Ptr);

    /// <summary>geom_friction, ngeom x 3.</summary>
    public Span<double> GeomFriction => MjLayout.ModelArray.geom_friction(Ptr);

    /// <summary>Id of the named object, or -1 when there is none.</summary>
    public int Name2Id(MjObj type, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int id = MjNative.mj_name2id((IntPtr)Ptr, (int)type, name);
        GC.KeepAlive(this);
        return id;
    }

    /// <summary>Name of the object, or null when it has none or the id is out of range.</summary>
    public string? Id2Name(MjObj type, int id)
    {
        byte* s = MjNative.mj_id2name((IntPtr)Ptr, (int)type, id);
        string? name = s == null ? null : MuJoCoLibrary.FromUtf8(s);
        GC.KeepAlive(this);
        return name;
    }

    public void Dispose()
    {
        // The native struct itself is freed when the last holder lets go (an MjData keeps its model's).
        _disposed = true;
        _handle.Dispose();
    }
}
