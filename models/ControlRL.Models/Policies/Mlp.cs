using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ControlRL.Models.Policies;

/// <summary>Hidden-layer activation of an MLP.</summary>
public enum Activation { Tanh, ReLU }

/// <summary>
/// A plain MLP (Linear -> act -> ... -> Linear), by default with CleanRL's orthogonal initialisation: hidden
/// layers gain sqrt(2), the output layer the given gain, biases zero.
/// </summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> layers;
    private readonly Activation _activation;

    public Mlp(string name, int inputSize, IReadOnlyList<int> hidden, int outputSize, Activation activation, double outputGain, bool orthogonalInit = true)
        : base(name)
    {
        _activation = activation;
        layers = new ModuleList<Linear>();
        int prev = inputSize;
        foreach (int h in hidden)
        {
            layers.Add(MakeLinear(prev, h, orthogonalInit ? Math.Sqrt(2.0) : null));
            prev = h;
        }
        layers.Add(MakeLinear(prev, outputSize, orthogonalInit ? outputGain : null));
        RegisterComponents();
    }

    public Activation Activation => _activation;

    private static Linear MakeLinear(int inputs, int outputs, double? gain)
    {
        var layer = nn.Linear(inputs, outputs);
        if (gain is null) return layer; // PyTorch's default (Kaiming-uniform weights, uniform bias)
        using (no_grad())
        {
            nn.init.orthogonal_(layer.weight, gain.Value);
            nn.init.zeros_(layer.bias!);
        }
        return layer;
    }

    public override Tensor forward(Tensor x)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            x = layers[i].forward(x);
            if (i < layers.Count - 1)
                x = _activation == Activation.Tanh ? x.tanh() : x.relu();
        }
        return x;
    }

    /// <summary>Copies weights (row-major [out x in]) and biases into a managed MLP of the same shape.</summary>
    public void CopyTo(ManagedMlp target)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            using var scope = NewDisposeScope();
            var w = layers[i].weight!.detach().cpu().contiguous();
            var b = layers[i].bias!.detach().cpu().contiguous();
            w.data<float>().CopyTo(target.Weights(i));
            b.data<float>().CopyTo(target.Biases(i));
        }
    }

    public ManagedMlp ToManaged()
    {
        var sizes = new int[layers.Count + 1];
        sizes[0] = (int)layers[0].weight!.shape[1];
        for (int i = 0; i < layers.Count; i++) sizes[i + 1] = (int)layers[i].weight!.shape[0];
        var m = new ManagedMlp(sizes, _activation);
        CopyTo(m);
        return m;
    }
}
