using Microsoft.Win32.SafeHandles;

namespace ControlRL.Envs.Box2D.Native;

/// <summary>Owns the shim's walker object (its b2World, terrain and bodies); freed with <c>bw_destroy</c>.</summary>
internal sealed class WalkerHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public WalkerHandle() : base(ownsHandle: true) { }

    public static WalkerHandle Create()
    {
        Box2DNative.EnsureLoaded();
        var h = new WalkerHandle();
        IntPtr p = Box2DNative.bw_create();
        if (p == IntPtr.Zero) throw new OutOfMemoryException("bw_create returned NULL.");
        h.SetHandle(p);
        return h;
    }

    protected override bool ReleaseHandle()
    {
        Box2DNative.bw_destroy(handle);
        return true;
    }
}
