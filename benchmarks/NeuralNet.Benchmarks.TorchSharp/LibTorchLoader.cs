using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using TorchSharp;

namespace NeuralNet.Benchmarks;

/// <summary>
/// Loads TorchSharp's native library before the first <c>torch</c> call, working around one version requirement
/// that older Linux distributions (Debian 12, Ubuntu 22.04: GCC 12's libstdc++) cannot meet.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's <c>libLibTorchSharp.so</c> was built with GCC 13, whose &lt;iostream&gt; emits a reference to
/// <c>std::ios_base_library_init()</c> at version <c>GLIBCXX_3.4.32</c>. That reference is only a marker (no
/// relocation uses it: it asks for a libstdc++ that initialises the standard streams itself, which older ones do as
/// well), but the dynamic loader refuses the library when the system's libstdc++ lacks the version. libtorch itself
/// needs no more than GLIBCXX_3.4.30. Where, and only where, loading fails for that reason, this marks that one
/// version requirement weak (<c>VER_FLG_WEAK</c> in <c>.gnu.version_r</c>, one byte) in the copy in the build output,
/// never in the NuGet cache, and loads again: glibc accepts a missing weak version. Nothing else in the file changes.
/// </remarks>
internal static class LibTorchLoader
{
    private const string Library = "libLibTorchSharp.so";
    private const string NeededFile = "libstdc++.so.6";
    private const string NeededVersion = "GLIBCXX_3.4.32";
    private static readonly Lock Gate = new();
    private static bool s_loaded;

    /// <summary>Makes sure TorchSharp's native library loads; a no-op after the first call and on other systems.</summary>
    internal static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (s_loaded) return;
            if (OperatingSystem.IsLinux() && Find() is { } path)
            {
                try
                {
                    NativeLibrary.Load(path);
                }
                catch (DllNotFoundException e) when (e.Message.Contains(NeededVersion, StringComparison.Ordinal))
                {
                    if (!MarkVersionWeak(path, NeededFile, NeededVersion)) throw;
                    Console.Error.WriteLine($"// LibTorchLoader: marked {NeededVersion} weak in {path} (this system's libstdc++ is older than GCC 13)");
                    NativeLibrary.Load(path);
                }
            }
            // Anything else (another platform, a missing file) is left to TorchSharp's own loader and its messages.
            torch.InitializeDeviceType(DeviceType.CPU);
            s_loaded = true;
        }
    }

    /// <summary>The copy of the library that TorchSharp loads: beside the app (publish) or under runtimes/ (build).</summary>
    private static string? Find()
    {
        string rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native", Library),
            Path.Combine(AppContext.BaseDirectory, Library),
        ];
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Sets <c>VER_FLG_WEAK</c> on the <paramref name="version"/> that the ELF file at <paramref name="path"/> needs
    /// from <paramref name="file"/>. Returns false if the file is not a 64-bit little-endian ELF file needing it.
    /// </summary>
    internal static bool MarkVersionWeak(string path, string file, string version)
    {
        const uint ShtGnuVerneed = 0x6ffffffe;
        const ushort VerFlgWeak = 0x2;
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F'
            || elf[4] != 2 || elf[5] != 1) return false;                    // ELFCLASS64, ELFDATA2LSB

        ReadOnlySpan<byte> b = elf;
        long sectionHeaders = (long)BinaryPrimitives.ReadUInt64LittleEndian(b[0x28..]);
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(b[0x3a..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(b[0x3c..]);
        for (int s = 0; s < count; s++)
        {
            ReadOnlySpan<byte> section = b[(int)(sectionHeaders + (long)s * entrySize)..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(section[4..]) != ShtGnuVerneed) continue;
            int offset = (int)BinaryPrimitives.ReadUInt64LittleEndian(section[0x18..]);
            int link = (int)BinaryPrimitives.ReadUInt32LittleEndian(section[0x28..]);
            int entries = (int)BinaryPrimitives.ReadUInt32LittleEndian(section[0x2c..]);
            ReadOnlySpan<byte> strings = b[(int)BinaryPrimitives.ReadUInt64LittleEndian(b[(int)(sectionHeaders + (long)link * entrySize + 0x18)..])..];

            // Elf64_Verneed { u16 version, cnt; u32 file, aux, next }, then Elf64_Vernaux { u32 hash; u16 flags, other; u32 name, next }.
            for (int need = offset, n = 0; n < entries; n++)
            {
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(b[(need + 2)..]);
                string needFile = Name(strings, BinaryPrimitives.ReadUInt32LittleEndian(b[(need + 4)..]));
                for (int aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(b[(need + 8)..]), a = 0; a < auxCount; a++)
                {
                    if (needFile == file && Name(strings, BinaryPrimitives.ReadUInt32LittleEndian(b[(aux + 8)..])) == version)
                    {
                        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(b[(aux + 4)..]);
                        if ((flags & VerFlgWeak) != 0) return false;        // already weak: the failure is something else
                        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(aux + 4), (ushort)(flags | VerFlgWeak));
                        File.WriteAllBytes(path, elf);
                        return true;
                    }
                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(b[(aux + 12)..]);
                }
                need += (int)BinaryPrimitives.ReadUInt32LittleEndian(b[(need + 12)..]);
            }
        }
        return false;

        static string Name(ReadOnlySpan<byte> strings, uint at)
        {
            ReadOnlySpan<byte> rest = strings[(int)at..];
            return Encoding.ASCII.GetString(rest[..rest.IndexOf((byte)0)]);
        }
    }
}
