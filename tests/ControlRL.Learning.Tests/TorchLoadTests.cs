using TorchSharp;

namespace ControlRL.Learning.Tests;

public class TorchLoadTests
{
    // Fails when libLibTorchSharp.so cannot be loaded (e.g. the Debian 12 GLIBCXX_3.4.32 fix-up did not run).
    [Fact]
    public void TorchSharpNativeLibraryLoadsAndComputes()
    {
        using var a = torch.tensor(new float[] { 1, 2, 3 });
        using var b = (a * a).sum();
        Assert.Equal(14f, b.item<float>());
    }
}
