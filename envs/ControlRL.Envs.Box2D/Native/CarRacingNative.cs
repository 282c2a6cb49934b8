using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ControlRL.Envs.Box2D.Native;

/// <summary>Mirror of <c>cr_body</c> in Native/shim/car_racing_shim.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CarBodyState
{
    public float X, Y;
    public float Cos, Sin;
    public float Angle;
    public float Vx, Vy;
    public float Omega;
}

/// <summary>Mirror of <c>cr_state</c> in Native/shim/car_racing_shim.h (sequential, blittable).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CarState
{
    public const int Wheels = 4;

    public CarBodyState Hull;
    public CarBodyState Wheel0, Wheel1, Wheel2, Wheel3;
    public fixed double WheelOmega[Wheels];
    public fixed double WheelPhase[Wheels];
    public fixed double WheelGas[Wheels];
    public fixed float JointAngle[Wheels];
    public fixed int WheelTiles[Wheels];
    public fixed int WheelSkid[Wheels];
    public int NewTiles;
    public int TilesVisited;
    public int NewLap;
    public int TileCount;

    public readonly CarBodyState Wheel(int i) => i switch
    {
        0 => Wheel0,
        1 => Wheel1,
        2 => Wheel2,
        _ => Wheel3,
    };
}

/// <summary>CarRacing entry points of libbox2d_shim.so (see Native/shim/car_racing_shim.h).</summary>
internal static unsafe partial class CarRacingNative
{
    /// <summary><c>CR_ABI_VERSION</c> these bindings were written for.</summary>
    public const int AbiVersion = 1;

    public const byte TileVisited = 1;
    public const byte TileTouched = 2;

    static CarRacingNative()
    {
        Box2DNative.EnsureLoaded(); // installs the library resolver
        int abi = cr_abi_version();
        if (abi != AbiVersion)
        {
            throw new InvalidOperationException(
                $"{Box2DNative.FileName} has CarRacing ABI version {abi} but ControlRL.Envs.Box2D expects {AbiVersion}; rebuild the project.");
        }
    }

    public static void EnsureLoaded() { }

    [LibraryImport(Box2DNative.Library)]
    public static partial int cr_abi_version();

    [LibraryImport(Box2DNative.Library)]
    public static partial IntPtr cr_create();

    [LibraryImport(Box2DNative.Library)]
    public static partial void cr_destroy(IntPtr handle);

    [LibraryImport(Box2DNative.Library)]
    public static partial int cr_reset(CarHandle handle, double* tileXy, int tileCount, double angle, double x, double y,
        double lapCompletePercent);

    [LibraryImport(Box2DNative.Library)]
    public static partial int cr_step(CarHandle handle, int hasAction, double steer, double gas, double brake, CarState* output);

    [LibraryImport(Box2DNative.Library)]
    public static partial byte* cr_tile_flags(CarHandle handle);
}

/// <summary>Owns the shim's car object (its b2World, tiles and car bodies); freed with <c>cr_destroy</c>.</summary>
internal sealed class CarHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public CarHandle() : base(ownsHandle: true) { }

    public static CarHandle Create()
    {
        CarRacingNative.EnsureLoaded();
        var h = new CarHandle();
        IntPtr p = CarRacingNative.cr_create();
        if (p == IntPtr.Zero) throw new OutOfMemoryException("cr_create returned NULL.");
        h.SetHandle(p);
        return h;
    }

    protected override bool ReleaseHandle()
    {
        CarRacingNative.cr_destroy(handle);
        return true;
    }
}
