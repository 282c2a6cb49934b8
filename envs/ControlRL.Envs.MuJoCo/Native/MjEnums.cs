namespace ControlRL.Envs.MuJoCo.Native;

/// <summary>mjtObj: object types for name lookups. Values come from the generated layout (mjmodel.h).</summary>
public enum MjObj
{
    Unknown = MjLayout.Obj.mjOBJ_UNKNOWN,
    Body = MjLayout.Obj.mjOBJ_BODY,
    XBody = MjLayout.Obj.mjOBJ_XBODY,
    Joint = MjLayout.Obj.mjOBJ_JOINT,
    Dof = MjLayout.Obj.mjOBJ_DOF,
    Geom = MjLayout.Obj.mjOBJ_GEOM,
    Site = MjLayout.Obj.mjOBJ_SITE,
    Camera = MjLayout.Obj.mjOBJ_CAMERA,
    Light = MjLayout.Obj.mjOBJ_LIGHT,
    Mesh = MjLayout.Obj.mjOBJ_MESH,
    Skin = MjLayout.Obj.mjOBJ_SKIN,
    HField = MjLayout.Obj.mjOBJ_HFIELD,
    Texture = MjLayout.Obj.mjOBJ_TEXTURE,
    Material = MjLayout.Obj.mjOBJ_MATERIAL,
    Pair = MjLayout.Obj.mjOBJ_PAIR,
    Exclude = MjLayout.Obj.mjOBJ_EXCLUDE,
    Equality = MjLayout.Obj.mjOBJ_EQUALITY,
    Tendon = MjLayout.Obj.mjOBJ_TENDON,
    Actuator = MjLayout.Obj.mjOBJ_ACTUATOR,
    Sensor = MjLayout.Obj.mjOBJ_SENSOR,
    Numeric = MjLayout.Obj.mjOBJ_NUMERIC,
    Text = MjLayout.Obj.mjOBJ_TEXT,
    Tuple = MjLayout.Obj.mjOBJ_TUPLE,
    Key = MjLayout.Obj.mjOBJ_KEY,
}

/// <summary>mjtWarning: indices of mjData.warning. Values come from the generated layout (mjdata.h).</summary>
public enum MjWarning
{
    Inertia = MjLayout.Warn.mjWARN_INERTIA,
    ContactFull = MjLayout.Warn.mjWARN_CONTACTFULL,
    CnstrFull = MjLayout.Warn.mjWARN_CNSTRFULL,
    VgeomFull = MjLayout.Warn.mjWARN_VGEOMFULL,
    BadQpos = MjLayout.Warn.mjWARN_BADQPOS,
    BadQvel = MjLayout.Warn.mjWARN_BADQVEL,
    BadQacc = MjLayout.Warn.mjWARN_BADQACC,
    BadCtrl = MjLayout.Warn.mjWARN_BADCTRL,
}

/// <summary>Severity of a message routed from MuJoCo's error/warning handlers.</summary>
public enum MuJoCoLogLevel
{
    Warning,
    Error,
}
