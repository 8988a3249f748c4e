#Requires -Version 7.2
<#
.SYNOPSIS
    Builds the Windows installer of Coverage Reader: dist\CoverageReader-<version>-setup.exe.

.DESCRIPTION
    Run from anywhere, with the build environment's Python first on PATH (the lock file and
    the project installed: see packaging\README.md) and Inno Setup 6.3 or later installed:

        pwsh packaging\windows\build.ps1

    1. PyInstaller builds the one-folder bundle dist\coverage-reader\ (the shared spec).
    2. If the WINDOWS_CERT_PFX secret is set (a base64 .pfx; its password in
       WINDOWS_CERT_PASSWORD), the certificate is imported into the user's store and
       coverage-reader.exe and CoverageReader.exe are signed (signtool, SHA-256, RFC 3161
       timestamp from WINDOWS_TIMESTAMP_URL or DigiCert's).
    3. The frozen app is smoke-tested: "coverage-reader.exe --version", then
       "coverage-reader.exe --self-test"; a non-zero exit or anything on stderr fails the
       build. Bundle size and both (cold-start) times are printed.
    4. Inno Setup (iscc) packs the bundle into dist\CoverageReader-<version>-setup.exe,
       signing the setup and its uninstaller with the same certificate when there is one.

.PARAMETER Python
    The Python to build with (default: $env:PYTHON, else "python" on PATH).

.PARAMETER SkipPyInstaller
    Reuse an existing dist\coverage-reader\ (still smoke-tested).
#>
[CmdletBinding()]
param(
    [string] $Python = $(if ($env:PYTHON) { $env:PYTHON } else { 'python' }),
    [switch] $SkipPyInstaller
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
# PowerShell 7.3+: a native command that exits non-zero stops the script too. Every call
# below also checks $LASTEXITCODE itself (Invoke-Native), for 7.2.
$PSNativeCommandUseErrorActionPreference = $true

$Root = (Resolve-Path (Join-Path $PSScriptRoot '..\..')).Path
$Dist = Join-Path $Root 'dist'
$Bundle = Join-Path $Dist 'coverage-reader'
$Spec = Join-Path $Root 'packaging\pyinstaller\coverage-reader.spec'
$Iss = Join-Path $PSScriptRoot 'coverage-reader.iss'
$CliExe = Join-Path $Bundle 'coverage-reader.exe'
$GuiExe = Join-Path $Bundle 'CoverageReader.exe'
$TimestampUrl = if ($env:WINDOWS_TIMESTAMP_URL) { $env:WINDOWS_TIMESTAMP_URL } else { 'http://timestamp.digicert.com' }
$Summary = [System.Collections.Generic.List[string]]::new()
$MiB = 1024 * 1024

function Write-Step([string] $Message) {
    Write-Host ''
    Write-Host "==> $Message" -ForegroundColor Cyan
}

function Invoke-Native {
    # Runs a program, echoing the command; throws if it exits non-zero.
    param([Parameter(Mandatory)] [string] $FilePath, [string[]] $Arguments = @())
    $PSNativeCommandUseErrorActionPreference = $false  # the exit code is checked here
    Write-Host "+ $FilePath $($Arguments -join ' ')"
    & $FilePath @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "$FilePath exited with code $LASTEXITCODE"
    }
}

function Invoke-Frozen {
    # Runs the frozen app with stdout and stderr captured apart, and times it.
    param(
        [Parameter(Mandatory)] [string] $Exe,
        [string[]] $Arguments = @(),
        [int] $TimeoutSeconds = 300
    )
    $info = [System.Diagnostics.ProcessStartInfo]::new($Exe)
    foreach ($argument in $Arguments) { $info.ArgumentList.Add($argument) }
    $info.UseShellExecute = $false
    $info.CreateNoWindow = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.StandardOutputEncoding = [System.Text.Encoding]::UTF8
    $info.StandardErrorEncoding = [System.Text.Encoding]::UTF8
    $info.WorkingDirectory = $Root
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $process = [System.Diagnostics.Process]::Start($info)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
        $process.Kill($true)
        throw "$Exe $($Arguments -join ' ') did not finish in $TimeoutSeconds s"
    }
    $process.WaitForExit()  # and let the output readers finish
    $clock.Stop()
    [pscustomobject]@{
        ExitCode = $process.ExitCode
        Stdout   = $stdout.GetAwaiter().GetResult()
        Stderr   = $stderr.GetAwaiter().GetResult()
        Seconds  = $clock.Elapsed.TotalSeconds
    }
}

function Assert-Clean {
    # A smoke-test run passes only with exit code 0 and nothing at all on stderr.
    param([Parameter(Mandatory)] $Run, [Parameter(Mandatory)] [string] $What)
    Write-Host $Run.Stdout.TrimEnd()
    if ($Run.ExitCode -ne 0 -or $Run.Stderr.Length -gt 0) {
        if ($Run.Stderr.Length -gt 0) {
            Write-Host '--- stderr ---'
            Write-Host $Run.Stderr.TrimEnd()
        }
        throw "$What failed: exit code $($Run.ExitCode), $($Run.Stderr.Length) characters on stderr"
    }
}

function Find-Iscc {
    if ($env:ISCC -and (Test-Path $env:ISCC)) { return $env:ISCC }
    $command = Get-Command 'iscc.exe' -ErrorAction SilentlyContinue
    if ($command) { return $command.Source }
    $parents = @(${env:ProgramFiles(x86)}, $env:ProgramFiles, (Join-Path $env:LOCALAPPDATA 'Programs')) |
        Where-Object { $_ -and (Test-Path $_) }
    foreach ($parent in $parents) {
        $found = Get-ChildItem -Path $parent -Directory -Filter 'Inno Setup*' -ErrorAction SilentlyContinue |
            Sort-Object Name -Descending |
            ForEach-Object { Join-Path $_.FullName 'ISCC.exe' } |
            Where-Object { Test-Path $_ } |
            Select-Object -First 1
        if ($found) { return $found }
    }
    throw 'Inno Setup''s ISCC.exe not found: install Inno Setup 6 (choco install innosetup) or set $env:ISCC'
}

function Find-SignTool {
    $command = Get-Command 'signtool.exe' -ErrorAction SilentlyContinue
    if ($command) { return $command.Source }
    $kits = Join-Path ${env:ProgramFiles(x86)} 'Windows Kits\10\bin'
    $found = Get-ChildItem -Path $kits -Recurse -Filter 'signtool.exe' -ErrorAction SilentlyContinue |
        Where-Object { $_.Directory.Name -eq 'x64' } |
        Sort-Object FullName -Descending |
        Select-Object -First 1
    if (-not $found) { throw "signtool.exe not found (Windows SDK) under $kits" }
    return $found.FullName
}

function Import-SigningCertificate {
    # Puts the .pfx from the WINDOWS_CERT_PFX secret into the user's certificate store
    # (its chain into the intermediate store) and returns the signing certificate.
    $bytes = [Convert]::FromBase64String(($env:WINDOWS_CERT_PFX -replace '\s', ''))
    $flags = [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]'UserKeySet, PersistKeySet'
    $certificates = [System.Security.Cryptography.X509Certificates.X509Certificate2Collection]::new()
    $certificates.Import($bytes, [string] $env:WINDOWS_CERT_PASSWORD, $flags)
    $signing = $certificates | Where-Object { $_.HasPrivateKey } | Select-Object -First 1
    if (-not $signing) { throw 'WINDOWS_CERT_PFX holds no certificate with a private key' }
    $my = [System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
    $ca = [System.Security.Cryptography.X509Certificates.X509Store]::new('CA', 'CurrentUser')
    $my.Open('ReadWrite'); $ca.Open('ReadWrite')
    try {
        $my.Add($signing)
        foreach ($certificate in $certificates) {
            if ($certificate.Thumbprint -ne $signing.Thumbprint -and $certificate.Subject -ne $certificate.Issuer) {
                $ca.Add($certificate)
            }
        }
    }
    finally { $my.Close(); $ca.Close() }
    Write-Host "signing as: $($signing.Subject) (thumbprint $($signing.Thumbprint), valid until $($signing.NotAfter))"
    return $signing
}

function Remove-SigningCertificate([System.Security.Cryptography.X509Certificates.X509Certificate2] $Certificate) {
    $my = [System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
    $my.Open('ReadWrite')
    try { $my.Remove($Certificate) } finally { $my.Close() }
}

function Invoke-Sign {
    # signtool sign, retried: timestamp servers fail now and then.
    param([string] $SignTool, [string] $Thumbprint, [string[]] $Files)
    $PSNativeCommandUseErrorActionPreference = $false  # the exit code is checked here
    $arguments = @('sign', '/sha1', $Thumbprint, '/fd', 'sha256', '/tr', $TimestampUrl, '/td', 'sha256',
        '/d', 'Coverage Reader') + $Files
    for ($attempt = 1; ; $attempt++) {
        & $SignTool @arguments
        if ($LASTEXITCODE -eq 0) { break }
        if ($attempt -ge 3) { throw "signtool failed $attempt times" }
        Write-Warning "signtool failed (attempt $attempt); retrying in $($attempt * 10) s"
        Start-Sleep -Seconds ($attempt * 10)
    }
    Invoke-Native $SignTool (@('verify', '/pa') + $Files)
}

Push-Location $Root
$certificate = $null
try {
    Write-Step 'Version'
    $version = (& $Python -c 'import reader; print(reader.__version__)' | Out-String).Trim()
    if ($LASTEXITCODE -ne 0 -or -not $version) { throw "could not read the version with $Python" }
    # Windows file versions are up to four numbers: "0.1.0" of "0.1.0.dev1".
    $numericVersion = [regex]::Match($version, '^\d+(\.\d+){0,3}').Value
    if (-not $numericVersion) { $numericVersion = '0.0.0' }
    Write-Host "Coverage Reader $version (file version $numericVersion)"

    if (-not $SkipPyInstaller) {
        Write-Step 'PyInstaller'
        Invoke-Native $Python @('-m', 'PyInstaller', '--noconfirm', '--clean', $Spec)
    }
    foreach ($exe in @($CliExe, $GuiExe)) {
        if (-not (Test-Path $exe)) { throw "the bundle has no $exe" }
    }

    $signTool = $null
    if ($env:WINDOWS_CERT_PFX) {
        Write-Step 'Signing the executables'
        $signTool = Find-SignTool
        $certificate = Import-SigningCertificate
        Invoke-Sign -SignTool $signTool -Thumbprint $certificate.Thumbprint -Files @($CliExe, $GuiExe)
    }
    else {
        Write-Host '::notice::WINDOWS_CERT_PFX is not set: the executables and the installer are not signed'
    }

    Write-Step 'Smoke test of the frozen app'
    # The first start after a build is the cold one (nothing cached, the virus scanner
    # reading every file).
    $versionRun = Invoke-Frozen -Exe $CliExe -Arguments @('--version')
    Assert-Clean -Run $versionRun -What 'coverage-reader --version'
    if ($versionRun.Stdout.Trim() -ne "coverage-reader $version") {
        throw "coverage-reader --version printed '$($versionRun.Stdout.Trim())', expected 'coverage-reader $version'"
    }
    $selfTest = Invoke-Frozen -Exe $CliExe -Arguments @('--self-test')
    Assert-Clean -Run $selfTest -What 'coverage-reader --self-test'
    if ($selfTest.Stdout -notmatch 'self-test ok') {
        throw "coverage-reader --self-test did not print 'self-test ok'"
    }

    $bundleBytes = (Get-ChildItem -Path $Bundle -Recurse -File | Measure-Object -Property Length -Sum).Sum
    $bundleFiles = @(Get-ChildItem -Path $Bundle -Recurse -File).Count
    $Summary.Add(('bundle dist\coverage-reader: {0:N1} MB in {1} files' -f ($bundleBytes / $MiB), $bundleFiles))
    $Summary.Add(('cold start: --version {0:N2} s, --self-test {1:N2} s' -f $versionRun.Seconds, $selfTest.Seconds))
    $Summary | ForEach-Object { Write-Host $_ }

    Write-Step 'Inno Setup'
    $iscc = Find-Iscc
    $isccArguments = @("/DAppVersion=$version", "/DNumericVersion=$numericVersion")
    if ($certificate) {
        # $q is a quote and $f the file to sign, for Inno Setup (see coverage-reader.iss).
        $isccArguments += '/DSign=1'
        $isccArguments += ('/Ssigntool=$q{0}$q sign /sha1 {1} /fd sha256 /tr {2} /td sha256 /d $qCoverage Reader$q $f' -f
            $signTool, $certificate.Thumbprint, $TimestampUrl)
    }
    Invoke-Native $iscc ($isccArguments + @($Iss))

    $setup = Join-Path $Dist "CoverageReader-$version-setup.exe"
    if (-not (Test-Path $setup)) { throw "Inno Setup did not write $setup" }
    if ($certificate) {
        Invoke-Native $signTool @('verify', '/pa', $setup)
    }
    $Summary.Add(('installer dist\{0}: {1:N1} MB{2}' -f (Split-Path $setup -Leaf), ((Get-Item $setup).Length / $MiB),
            $(if ($certificate) { ', signed' } else { ', not signed' })))

    Write-Step 'Done'
    $Summary | ForEach-Object { Write-Host $_ }
    if ($env:GITHUB_STEP_SUMMARY) {
        $lines = @('### Windows') + ($Summary | ForEach-Object { "- $_" })
        Add-Content -Path $env:GITHUB_STEP_SUMMARY -Value $lines -Encoding utf8
    }
}
finally {
    if ($certificate) { Remove-SigningCertificate $certificate }
    Pop-Location
}
