// MSBuild task (compiled by RoslynCodeTaskFactory): marks one GNU version requirement of an ELF64 shared
// library as weak, so the dynamic loader does not refuse the library when that version is absent.
// Only acts when the system library lacks the version; idempotent; writes through a temp file + rename.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenElfVersionNeed : Task
{
    [Required] public string LibraryPath { get; set; } = "";
    [Required] public string VersionName { get; set; } = "";
    [Required] public string SystemLibrary { get; set; } = "";

    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    public override bool Execute()
    {
        if (File.Exists(SystemLibrary) && ContainsAscii(File.ReadAllBytes(SystemLibrary), VersionName + "\0"))
        {
            Log.LogMessage(MessageImportance.Low, $"{SystemLibrary} provides {VersionName}; {LibraryPath} left as is.");
            return true;
        }
        byte[] elf = File.ReadAllBytes(LibraryPath);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
        {
            Log.LogError($"{LibraryPath} is not a little-endian ELF64 file.");
            return false;
        }
        ulong shoff = BitConverter.ToUInt64(elf, 0x28);
        ushort shentsize = BitConverter.ToUInt16(elf, 0x3A);
        ushort shnum = BitConverter.ToUInt16(elf, 0x3C);
        int changed = 0, found = 0;
        for (int s = 0; s < shnum; s++)
        {
            int sh = checked((int)shoff + s * shentsize);
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
            int secOff = checked((int)BitConverter.ToUInt64(elf, sh + 0x18));
            uint link = BitConverter.ToUInt32(elf, sh + 0x28);
            uint count = BitConverter.ToUInt32(elf, sh + 0x2C); // sh_info = number of Verneed entries
            int strSh = checked((int)shoff + (int)link * shentsize);
            int strOff = checked((int)BitConverter.ToUInt64(elf, strSh + 0x18));
            int vn = secOff;
            for (uint i = 0; i < count; i++)
            {
                ushort cnt = BitConverter.ToUInt16(elf, vn + 2);
                uint aux = BitConverter.ToUInt32(elf, vn + 8);
                uint next = BitConverter.ToUInt32(elf, vn + 12);
                int va = vn + (int)aux;
                for (int j = 0; j < cnt; j++)
                {
                    // Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32
                    ushort flags = BitConverter.ToUInt16(elf, va + 4);
                    uint name = BitConverter.ToUInt32(elf, va + 8);
                    if (ReadCString(elf, strOff + (int)name) == VersionName)
                    {
                        found++;
                        if ((flags & VerFlgWeak) == 0)
                        {
                            BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, va + 4);
                            changed++;
                        }
                    }
                    uint vnaNext = BitConverter.ToUInt32(elf, va + 12);
                    if (vnaNext == 0) break;
                    va += (int)vnaNext;
                }
                if (next == 0) break;
                vn += (int)next;
            }
        }
        if (found == 0)
        {
            Log.LogMessage(MessageImportance.Low, $"{LibraryPath} does not require {VersionName}.");
            return true;
        }
        if (changed > 0)
        {
            string tmp = LibraryPath + ".tmp";
            File.WriteAllBytes(tmp, elf);
            // Replace by rename: a process that has the old file mapped keeps its pages.
            File.Delete(LibraryPath);
            File.Move(tmp, LibraryPath);
            Log.LogMessage(MessageImportance.Normal, $"Marked {VersionName} weak in {LibraryPath} (system libstdc++ lacks it).");
        }
        return true;
    }

    private static string ReadCString(byte[] b, int off)
    {
        int end = off;
        while (end < b.Length && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, off, end - off);
    }

    private static bool ContainsAscii(byte[] haystack, string needle)
    {
        // The task is compiled against netstandard (no spans), so a plain scan.
        byte[] n = Encoding.ASCII.GetBytes(needle);
        for (int i = 0; i + n.Length <= haystack.Length; i++)
        {
            if (haystack[i] != n[0]) continue;
            int k = 1;
            while (k < n.Length && haystack[i + k] == n[k]) k++;
            if (k == n.Length) return true;
        }
        return false;
    }
}
