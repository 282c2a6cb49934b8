using Microsoft.Win32.SafeHandles;

namespace ControlRL.Envs.MuJoCo.Native;

/// <summary>Owns an mjModel*; freed with mj_deleteModel.</summary>
internal sealed class MjModelHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public MjModelHandle(IntPtr model) : base(ownsHandle: true) => SetHandle(model);

    protected override bool ReleaseHandle()
    {
        MjNative.mj_deleteModel(handle);
        return true;
    }
}

/// <summary>
/// Owns an mjData* and holds a reference on its model's handle, so the mjModel outlives every mjData made
/// from it whatever order Dispose/finalization happen in.
/// </summary>
internal sealed class MjDataHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private readonly MjModelHandle _model;

    private MjDataHandle(IntPtr data, MjModelHandle model) : base(ownsHandle: true)
    {
        _model = model;
        SetHandle(data);
    }

    public static MjDataHandle Create(MjModelHandle model)
    {
        bool added = false;
        model.DangerousAddRef(ref added);
        try
        {
            IntPtr d = MjNative.mj_makeData(model.DangerousGetHandle());
            if (d == IntPtr.Zero) throw new MuJoCoException("mj_makeData returned NULL (out of memory?)");
            return new MjDataHandle(d, model);
        }
        catch
        {
            if (added) model.DangerousRelease();
            throw;
        }
    }

    protected override bool ReleaseHandle()
    {
        MjNative.mj_deleteData(handle);
        _model.DangerousRelease();
        return true;
    }
}
