using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Outpost.Core.Config;
using Outpost.Core.Trust;

namespace Outpost.Cli
{
    /// <summary>
    /// <c>outpost key new &lt;name&gt;</c>: the same ECDSA P-256 key pair as New-OutpostKey, in the same files
    /// (&lt;name&gt;.key, protected; &lt;name&gt;.pub, the line a responder lists in trusted_keys).
    /// </summary>
    internal static class KeyCommand
    {
        public const string Usage = "outpost key new <name> [--folder <dir>] [--json]";

        public static Task<int> RunAsync(string[] argv)
        {
            var args = Arguments.Parse(argv, new HashSet<string> { "folder" }, new HashSet<string> { "json" });
            if (args.Positional.Count != 2 || args.Positional[0] != "new")
                throw new UsageException("say what to do: key new <name>");
            string name = args.Positional[1];
            if (!System.Text.RegularExpressions.Regex.IsMatch(name, @"\A[A-Za-z0-9_.-]{1,64}\z"))
                throw new UsageException($"a key name is 1-64 letters, digits, '_', '.' or '-', not \"{name}\"");
            string folder = args.Get("folder") is string given ? Path.GetFullPath(given) : Path.Combine(ConfigPaths.ConfigFolder(), "keys");
            var key = OutpostKey.Generate(name + "@" + Environment.MachineName);
            var (privatePath, publicPath) = key.Save(folder, name);
            if (args.Flag("json"))
            {
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { key_id = key.KeyId, path = privatePath, public_key_path = publicPath, public_key = key.PublicKeyLine }));
                return Task.FromResult(0);
            }
            Console.WriteLine($"key id:      {key.KeyId}");
            Console.WriteLine($"private key: {privatePath}  (sign with: outpost submit --sign {CommandLineWord(privatePath)} ...)");
            Console.WriteLine($"public key:  {publicPath}");
            Console.WriteLine("add this line to the responder's [trust] trusted_keys:");
            Console.WriteLine(key.PublicKeyLine);
            return Task.FromResult(0);
        }

        private static string CommandLineWord(string path) => path.IndexOf(' ') >= 0 ? "\"" + path + "\"" : path;
    }
}
