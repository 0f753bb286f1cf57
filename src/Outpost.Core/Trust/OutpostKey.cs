using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;
using Outpost.Core.Transport;

namespace Outpost.Core.Trust
{
    /// <summary>
    /// An ECDSA P-256 key that signs jobs. The public half is one line,
    /// <c>outpost-ecdsa-p256 &lt;base64 X||Y&gt; &lt;comment&gt;</c>, to paste into a responder's trusted_keys.
    /// The private half is a key=value file kept protected: DPAPI (current user) on Windows, mode 0600 elsewhere.
    /// </summary>
    public sealed class OutpostKey
    {
        public const string PublicKeyPrefix = "outpost-ecdsa-p256";

        private readonly ECParameters _parameters;

        private OutpostKey(ECParameters parameters, string comment)
        {
            _parameters = parameters;
            Comment = comment;
            PublicKeyBytes = parameters.Q.X!.Concat(parameters.Q.Y!).ToArray();
            KeyId = KeyIdOf(PublicKeyBytes);
        }

        public string KeyId { get; }
        public string Comment { get; }
        public byte[] PublicKeyBytes { get; }
        public bool HasPrivateKey => _parameters.D != null;
        public string PublicKeyLine => $"{PublicKeyPrefix} {Convert.ToBase64String(PublicKeyBytes)} {Comment}".TrimEnd();

        public static OutpostKey Generate(string comment)
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return new OutpostKey(ecdsa.ExportParameters(includePrivateParameters: true), comment);
        }

        /// <summary>The id a signature names: the first 16 hex digits of SHA-256 over the public key.</summary>
        public static string KeyIdOf(byte[] publicKey)
        {
            using var sha = SHA256.Create();
            return string.Concat(sha.ComputeHash(publicKey).Take(8).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }

        public static OutpostKey ParsePublicKey(string line)
        {
            string[] parts = line.Trim().Split(new[] { ' ', '\t' }, 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || parts[0] != PublicKeyPrefix)
                throw new FormatException($"not an Outpost public key (expected \"{PublicKeyPrefix} <base64> [comment]\"): \"{Shorten(line)}\"");
            byte[] xy;
            try { xy = Convert.FromBase64String(parts[1]); }
            catch (FormatException) { throw new FormatException($"the public key \"{Shorten(line)}\" is not valid base64"); }
            if (xy.Length != 64) throw new FormatException("a P-256 public key is 64 bytes (X||Y)");
            var parameters = new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = xy.Take(32).ToArray(), Y = xy.Skip(32).ToArray() },
            };
            using (var check = ECDsa.Create()) check.ImportParameters(parameters); // rejects a point off the curve
            return new OutpostKey(parameters, parts.Length > 2 ? parts[2] : "");
        }

        public byte[] Sign(byte[] payload)
        {
            if (!HasPrivateKey) throw new InvalidOperationException("this key has no private part: it can verify but not sign");
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportParameters(_parameters);
            return ecdsa.SignData(payload, HashAlgorithmName.SHA256);
        }

        public bool Verify(byte[] payload, byte[] signature)
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportParameters(new ECParameters { Curve = _parameters.Curve, Q = _parameters.Q });
            try { return ecdsa.VerifyData(payload, signature, HashAlgorithmName.SHA256); }
            catch (CryptographicException) { return false; }
        }

        /// <summary>Writes &lt;folder&gt;/&lt;name&gt;.key (protected) and &lt;name&gt;.pub; refuses to replace an existing key.</summary>
        public (string PrivatePath, string PublicPath) Save(string folder, string name)
        {
            Directory.CreateDirectory(folder);
            UnixFile.TrySetMode(folder, Convert.ToInt32("700", 8));
            string privatePath = Path.Combine(folder, name + ".key");
            string publicPath = Path.Combine(folder, name + ".pub");
            if (File.Exists(privatePath) || File.Exists(publicPath))
                throw new OutpostException("KeyExists", OutpostErrorKind.InvalidOperation, $"a key named \"{name}\" already exists in {folder}", privatePath);
            byte[] secret = _parameters.D!;
            bool dpapi = HostPlatform.IsWindows;
            var kv = new KeyValueFile()
                .Add("kind", PublicKeyPrefix)
                .Add("key_id", KeyId)
                .Add("comment", Comment)
                .Add("public", Convert.ToBase64String(PublicKeyBytes))
                .Add("protection", dpapi ? "dpapi-current-user" : "file-mode-0600")
                .Add("private", Convert.ToBase64String(dpapi ? Dpapi.Protect(secret) : secret));
            // Create the file private first, then write: the secret never sits in a readable file.
            using (var stream = new FileStream(privatePath, FileMode.CreateNew, FileAccess.Write))
            {
                UnixFile.TrySetMode(privatePath, Convert.ToInt32("600", 8));
                byte[] bytes = kv.ToBytes();
                stream.Write(bytes, 0, bytes.Length);
            }
            File.WriteAllText(publicPath, PublicKeyLine + "\n");
            return (privatePath, publicPath);
        }

        /// <summary>Loads a private key file (.key) or a public key file (.pub).</summary>
        public static OutpostKey Load(string path)
        {
            string text;
            try { text = File.ReadAllText(path); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new OutpostException("KeyUnreadable", OutpostErrorKind.NotFound, $"cannot read the key {path}: {e.Message}", path, e);
            }
            try
            {
                if (text.TrimStart().StartsWith(PublicKeyPrefix, StringComparison.Ordinal)) return ParsePublicKey(text);
                var kv = KeyValueFile.Parse(text, path);
                var pub = ParsePublicKey($"{PublicKeyPrefix} {kv["public"]} {kv["comment"]}");
                byte[] stored = Convert.FromBase64String(kv["private"] ?? "");
                byte[] d = kv["protection"] == "dpapi-current-user" ? Dpapi.Unprotect(stored) : stored;
                var parameters = new ECParameters
                {
                    Curve = ECCurve.NamedCurves.nistP256,
                    Q = new ECPoint { X = pub.PublicKeyBytes.Take(32).ToArray(), Y = pub.PublicKeyBytes.Skip(32).ToArray() },
                    D = d,
                };
                using (var check = ECDsa.Create()) check.ImportParameters(parameters);
                return new OutpostKey(parameters, kv["comment"] ?? "");
            }
            catch (Exception e) when (e is FormatException || e is CryptographicException)
            {
                throw new OutpostException("KeyInvalid", OutpostErrorKind.InvalidData, $"{path} is not a usable Outpost key: {e.Message}", path, e);
            }
        }

        private static string Shorten(string s) => s.Length <= 40 ? s : s.Substring(0, 40) + "…";
    }
}
