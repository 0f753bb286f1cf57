using System.IO;
using Outpost.Core.Trust;
using Outpost.Tests.Support;

namespace Outpost.Tests.Cli
{
    /// <summary>outpost key new / submit --sign against a responder that requires signatures, as real processes.</summary>
    public class KeyAndSignTests
    {
        private static (int Exit, string Stdout, string Stderr) RunCli(string arguments, string? stdin = null) => CliTests.RunCli(arguments, stdin);

        [Fact]
        public async Task A_key_from_the_cli_signs_jobs_a_signing_responder_runs()
        {
            using var folder = new TempFolder();
            var made = RunCli($"key new ci --folder \"{folder.Path}\"");
            Assert.True(made.Exit == 0, made.Stderr);
            string keyFile = folder.Combine("ci.key"), pubFile = folder.Combine("ci.pub");
            var publicKey = OutpostKey.Load(pubFile);
            Assert.Contains(publicKey.PublicKeyLine, made.Stdout);
            Assert.True(OutpostKey.Load(keyFile).HasPrivateKey); // the file New-OutpostKey and -SigningKey read
            Assert.NotEqual(0, RunCli($"key new ci --folder \"{folder.Path}\"").Exit); // never overwrites a key

            await using var responder = new RunningResponder(o => o.Trust = new TrustPolicy { RequireSignature = true, TrustedKeys = { publicKey } });
            var signed = RunCli($"submit --dir \"{responder.SharePath}\" --ext sh --sign \"{keyFile}\" -", "echo signed-ran\n");
            Assert.True(signed.Exit == 0, signed.Stderr);
            Assert.Equal("signed-ran\n", signed.Stdout);

            var unsigned = RunCli($"submit --dir \"{responder.SharePath}\" --ext sh -", "echo must-not-run\n");
            Assert.NotEqual(0, unsigned.Exit);
            Assert.DoesNotContain("must-not-run", unsigned.Stdout);
            Assert.Contains("signature", unsigned.Stderr);

            var wrongHalf = RunCli($"submit --dir \"{responder.SharePath}\" --ext sh --sign \"{pubFile}\" -", "echo x\n");
            Assert.Equal(2, wrongHalf.Exit);
            Assert.Contains("private key file", wrongHalf.Stderr);
        }

        [Fact]
        public void Key_new_refuses_a_bad_name_with_usage()
        {
            var result = RunCli("key new \"../escape\"");
            Assert.Equal(2, result.Exit);
            Assert.Contains("key name", result.Stderr);
        }
    }
}
