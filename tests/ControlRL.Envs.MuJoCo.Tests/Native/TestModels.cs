namespace ControlRL.Envs.MuJoCo.Tests.Native;

/// <summary>Small inline MJCF models for the binding tests.</summary>
internal static class TestModels
{
    /// <summary>Hinge arm with a limited motor, plus a free box that can hit the floor.</summary>
    public const string Arm = """
        <mujoco model="arm">
          <option timestep="0.005" integrator="RK4"/>
          <worldbody>
            <geom name="floor" type="plane" size="5 5 0.1"/>
            <body name="link" pos="0 0 1">
              <joint name="hinge" type="hinge" axis="0 1 0" range="-90 90" limited="true"/>
              <geom name="rod" type="capsule" fromto="0 0 0 0.5 0 0" size="0.05" mass="1.5"/>
            </body>
            <body name="box" pos="0.3 0 0.2">
              <freejoint name="box_free"/>
              <geom name="box_geom" type="box" size="0.1 0.1 0.1" mass="2" friction="0.8 0.01 0.001"/>
            </body>
          </worldbody>
          <actuator>
            <motor name="motor" joint="hinge" gear="3" ctrlrange="-1 1" ctrllimited="true"/>
          </actuator>
        </mujoco>
        """;

    /// <summary>A box dropped just above a plane; it settles in contact within a few hundred steps.</summary>
    public const string BoxOnPlane = """
        <mujoco model="box_on_plane">
          <worldbody>
            <geom name="floor" type="plane" size="5 5 0.1"/>
            <body name="box" pos="0 0 0.11">
              <freejoint/>
              <geom type="box" size="0.1 0.1 0.1" mass="1"/>
            </body>
          </worldbody>
        </mujoco>
        """;

    /// <summary>Pendulum with an absurd motor gear: a large control makes qacc blow up (mjWARN_BADQACC).</summary>
    public const string Explosive = """
        <mujoco model="explosive">
          <worldbody>
            <body name="pole">
              <joint name="hinge" type="hinge" axis="0 1 0"/>
              <geom type="capsule" fromto="0 0 0 0 0 1" size="0.05" mass="1"/>
            </body>
          </worldbody>
          <actuator>
            <motor name="motor" joint="hinge" gear="1e6"/>
          </actuator>
        </mujoco>
        """;
}
