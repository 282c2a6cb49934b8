using System.Runtime.InteropServices;

namespace ControlRL.Models;

/// <summary>
/// libtorch's process-wide switch for oneDNN (MKL-DNN) CPU kernels, <c>torch.backends.mkldnn.enabled</c> in Python,
/// which TorchSharp 0.107 does not expose: called through libtorch_cpu's exported <c>at::Context</c> members.
/// </summary>
/// <remarks>
/// Why it matters: the oneDNN 3.7 in libtorch 2.10 computes a convolution whose NCHW input has a channel count that is
/// not a multiple of its channel block (16 with AVX-512, 8 with AVX2) from a padded blocked copy of the input whose
/// padding it leaves uninitialised, so stale memory leaks into the output: NaN or silently different values, depending
/// on what the allocator hands back (the class of pytorch/pytorch issue 109985). CaRL's 5x5/2 conv from 24 channels
/// hit it at small batch sizes; <see cref="Encoders.CaRLBevCnn"/> avoids it by running channels-last. Turning oneDNN
/// off also avoids it, at about 2.6 times the update time of that network (libtorch's own im2col + GEMM convolution).
/// </remarks>
public static class TorchBackends
{
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledMkldnn(IntPtr context);

    /// <summary>Whether libtorch may use oneDNN kernels (convolutions among them) on the CPU.</summary>
    public static bool MkldnnEnabled
    {
        get
        {
            TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU); // loads libtorch_cpu
            return UserEnabledMkldnn(GlobalContext());
        }
        set
        {
            TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);
            SetUserEnabledMkldnn(GlobalContext(), value);
        }
    }
}
