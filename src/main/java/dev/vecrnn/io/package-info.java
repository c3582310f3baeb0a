/** Model files: the library's own checksummed format, and safetensors import/export. */
package dev.vecrnn.io;
