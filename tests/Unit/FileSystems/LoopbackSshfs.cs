using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading;

namespace Outpost.Tests.FileSystems
{
    /// <summary>
    /// A real sshfs mount on this machine: a folder ("the server side") mounted through SFTP at another
    /// folder ("the mount"), so writes made on the server side raise no notification at the mount, as on
    /// a real network share. Prefers a throwaway sshd on 127.0.0.1 with a throwaway key; where sshd cannot
    /// run (no privilege-separation folder, not installed) it connects sshfs straight to sftp-server,
    /// which is the same FUSE file system and protocol without the encryption. Everything lives in one
    /// temp folder and goes with Dispose. Shared by the unit tests and the bench (linked into it), so it
    /// has no test-framework dependency: <see cref="TryStart"/> returns null and a one-line reason.
    /// </summary>
    public sealed class LoopbackSshfs : IDisposable
    {
        /// <summary>sshfs caches folder listings and attributes for 20 s by default; dir_cache=no makes every look reach the server.</summary>
        public const string MountOptions = "dir_cache=no";

        private static readonly string[] SftpServerPaths =
        {
            "/usr/lib/openssh/sftp-server", "/usr/libexec/openssh/sftp-server", "/usr/lib/ssh/sftp-server", "/usr/libexec/sftp-server",
        };

        private readonly List<Process> _processes = new List<Process>();
        private int _disposed;

        private LoopbackSshfs(string root)
        {
            Root = root;
            ServerPath = Path.Combine(root, "server");
            MountPath = Path.Combine(root, "mnt");
            RequestLog = Path.Combine(root, "sftp-requests.log");
            Directory.CreateDirectory(ServerPath);
            Directory.CreateDirectory(MountPath);
        }

        public string Root { get; }
        /// <summary>The folder as the SFTP server's host sees it (a local disk).</summary>
        public string ServerPath { get; }
        /// <summary>The same folder through sshfs.</summary>
        public string MountPath { get; }
        /// <summary>"sshd on 127.0.0.1:port" or "sftp-server without sshd".</summary>
        public string Transport { get; private set; } = "";
        /// <summary>sftp-server's debug log (only with <c>countRequests</c>): one "request N:" line per SFTP request.</summary>
        public string RequestLog { get; }

        /// <summary>Mounts, or returns null with why not (no /dev/fuse, no sshfs, a mount that never appeared ...).</summary>
        public static LoopbackSshfs? TryStart(out string whyNot, bool countRequests = false)
        {
            whyNot = "";
            if (!OperatingSystem.IsLinux()) { whyNot = "sshfs loopback mounts are set up on Linux only"; return null; }
            if (!File.Exists("/dev/fuse")) { whyNot = "/dev/fuse is not available (no FUSE in this container)"; return null; }
            string? sshfs = Which("sshfs");
            string? sftpServer = SftpServerPaths.FirstOrDefault(File.Exists);
            if (sshfs == null) { whyNot = "sshfs is not installed"; return null; }
            if (sftpServer == null) { whyNot = "no sftp-server (openssh-server) is installed"; return null; }
            string root = Path.Combine(Path.GetTempPath(), "outpost-sshfs-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            var mount = new LoopbackSshfs(root);
            try
            {
                string serverCommand = sftpServer + (countRequests ? $" -e -l DEBUG3 2>>{mount.RequestLog}" : "");
                string? failure = mount.TryMountThroughSshd(sshfs, serverCommand, out string sshdWhy) ? null : sshdWhy;
                if (failure != null && !mount.TryMountDirect(sshfs, serverCommand, out string directWhy))
                {
                    whyNot = $"no sshfs mount could be made (sshd: {failure}; direct: {directWhy})";
                    mount.Dispose();
                    return null;
                }
                return mount;
            }
            catch (Exception e) when (e is IOException || e is System.ComponentModel.Win32Exception || e is InvalidOperationException)
            {
                whyNot = "no sshfs mount could be made: " + e.Message;
                mount.Dispose();
                return null;
            }
        }

        /// <summary>The SFTP requests the server has answered so far (needs <c>countRequests</c>).</summary>
        public long RequestCount()
        {
            if (!File.Exists(RequestLog)) return 0;
            long highest = 0;
            using var reader = new StreamReader(new FileStream(RequestLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            string? line;
            // Each sshfs connection numbers its requests from 1; a mount keeps one connection.
            while ((line = reader.ReadLine()) != null)
            {
                var match = Regex.Match(line, @"request (\d+):");
                if (match.Success) highest = Math.Max(highest, long.Parse(match.Groups[1].Value));
            }
            return highest;
        }

        /// <summary>Attribute requests (stat/lstat) the server answered for one of its paths (needs <c>countRequests</c>).</summary>
        public int StatRequestsFor(string serverPath)
        {
            if (!File.Exists(RequestLog)) return 0;
            using var reader = new StreamReader(new FileStream(RequestLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            int count = 0;
            string? line;
            while ((line = reader.ReadLine()) != null)
                if ((line.StartsWith("lstat name ", StringComparison.Ordinal) || line.StartsWith("stat name ", StringComparison.Ordinal)) &&
                    line.EndsWith($"\"{serverPath}\"", StringComparison.Ordinal))
                    count++;
            return count;
        }

        private bool TryMountThroughSshd(string sshfs, string serverCommand, out string whyNot)
        {
            string? sshd = Which("sshd", "/usr/sbin/sshd", "/usr/local/sbin/sshd");
            string? keygen = Which("ssh-keygen");
            whyNot = sshd == null ? "sshd is not installed" : keygen == null ? "ssh-keygen is not installed" : "";
            if (sshd == null || keygen == null) return false;
            string hostKey = Path.Combine(Root, "host_key"), userKey = Path.Combine(Root, "user_key");
            foreach (string key in new[] { hostKey, userKey })
                if (Run(keygen, "-q", "-t", "ed25519", "-N", "", "-f", key) != 0) { whyNot = "ssh-keygen failed"; return false; }
            File.Copy(userKey + ".pub", Path.Combine(Root, "authorized_keys"));
            int port = FreePort();
            string config = Path.Combine(Root, "sshd_config");
            File.WriteAllText(config, string.Join("\n",
                $"Port {port}", "ListenAddress 127.0.0.1", $"HostKey {hostKey}", $"AuthorizedKeysFile {Root}/authorized_keys",
                "PasswordAuthentication no", "KbdInteractiveAuthentication no", "StrictModes no", "UsePAM no", "PermitRootLogin yes",
                $"PidFile {Root}/sshd.pid", $"Subsystem sftp {serverCommand}", ""));
            string log = Path.Combine(Root, "sshd.log");
            var daemon = Start(sshd, "-D", "-E", log, "-f", config);
            if (!WaitForPort(port, daemon, TimeSpan.FromSeconds(5)))
            {
                whyNot = daemon.HasExited && File.Exists(log) ? FirstLine(File.ReadAllText(log), "sshd exited") : "sshd did not listen";
                return false;
            }
            string options = $"port={port},IdentityFile={userKey},StrictHostKeyChecking=no,UserKnownHostsFile=/dev/null,BatchMode=yes,{MountOptions}";
            Transport = $"sshd on 127.0.0.1:{port}";
            return TryMount(sshfs, $"{Environment.UserName}@127.0.0.1:{ServerPath}", options, out whyNot);
        }

        private bool TryMountDirect(string sshfs, string serverCommand, out string whyNot)
        {
            // sshfs runs "<ssh_command> [options] host -s sftp": a script that ignores them and becomes sftp-server.
            string fakeSsh = Path.Combine(Root, "sftp-direct.sh");
            File.WriteAllText(fakeSsh, "#!/bin/sh\nexec " + serverCommand + "\n");
            Run("chmod", "755", fakeSsh);
            Transport = "sftp-server without sshd";
            return TryMount(sshfs, $"localhost:{ServerPath}", $"ssh_command={fakeSsh},{MountOptions}", out whyNot);
        }

        private bool TryMount(string sshfs, string remote, string options, out string whyNot)
        {
            var process = Start(sshfs, "-f", "-o", options, remote, MountPath);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (DateTime.UtcNow < deadline)
            {
                if (IsMounted()) { whyNot = ""; return true; }
                if (process.HasExited)
                {
                    whyNot = FirstLine(process.StandardError.ReadToEnd(), $"sshfs exited with {process.ExitCode}");
                    return false;
                }
                Thread.Sleep(50);
            }
            whyNot = "the mount did not appear within 10 s";
            return false;
        }

        public bool IsMounted() =>
            File.ReadAllLines("/proc/self/mountinfo").Any(l => l.Split(' ').ElementAtOrDefault(4) == MountPath);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            if (IsMountedSafe())
            {
                if (Run(Which("fusermount3") ?? Which("fusermount") ?? "umount", "-u", MountPath) != 0) Run("umount", "-l", MountPath);
            }
            foreach (var process in _processes)
            {
                try
                {
                    if (!process.HasExited) process.Kill();
                    process.WaitForExit(5000);
                }
                catch (InvalidOperationException) { }
                process.Dispose();
            }
            if (!IsMountedSafe())
            {
                try { Directory.Delete(Root, recursive: true); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }

        private bool IsMountedSafe()
        {
            try { return IsMounted(); }
            catch (IOException) { return false; }
        }

        private Process Start(string file, params string[] args)
        {
            var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (string arg in args) info.ArgumentList.Add(arg);
            var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + file);
            _processes.Add(process);
            return process;
        }

        private static int Run(string file, params string[] args)
        {
            var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string arg in args) info.ArgumentList.Add(arg);
            try
            {
                using var process = Process.Start(info)!;
                process.StandardOutput.ReadToEnd();
                process.StandardError.ReadToEnd();
                if (!process.WaitForExit(15000)) { process.Kill(); return -1; }
                return process.ExitCode;
            }
            catch (System.ComponentModel.Win32Exception) { return -1; }
        }

        private static string? Which(string name, params string[] alsoTry)
        {
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
            {
                string candidate = Path.Combine(dir, name);
                if (dir.Length > 0 && File.Exists(candidate)) return candidate;
            }
            return alsoTry.FirstOrDefault(File.Exists);
        }

        private static int FreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        private static bool WaitForPort(int port, Process daemon, TimeSpan within)
        {
            var deadline = DateTime.UtcNow + within;
            while (DateTime.UtcNow < deadline && !daemon.HasExited)
            {
                try
                {
                    using var client = new TcpClient();
                    client.Connect(IPAddress.Loopback, port);
                    return true;
                }
                catch (SocketException) { Thread.Sleep(50); }
            }
            return false;
        }

        private static string FirstLine(string text, string fallback)
        {
            string line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
            return line.Length > 0 ? line : fallback;
        }
    }
}
