package runtime

// Pure-Go GEMM loops. Each adds op(A)·op(B) to C. The innermost loops run over
// contiguous slices resliced to a common length, so the compiler drops their bounds
// checks.

// gemmAxpy adds op(A)·B to C where B is stored k×n and op(A)[i,p] = a[i*rowA+p*colA].
// Each row of C is updated by axpy over rows of B, four rows of B per pass, so C is
// loaded and stored once per four rows of B. The sum over p runs in increasing order.
func gemmAxpy[T Float](c, a, b []T, m, k, n, rowA, colA int) {
	for j0 := 0; j0 < n; j0 += blockN {
		j1 := min(j0+blockN, n)
		for p0 := 0; p0 < k; p0 += blockK {
			p1 := min(p0+blockK, k)
			for i := range m {
				cRow := c[i*n+j0 : i*n+j1]
				ai := i*rowA + p0*colA
				p := p0
				for ; p+4 <= p1; p += 4 {
					axpy4(cRow, a[ai], a[ai+colA], a[ai+2*colA], a[ai+3*colA],
						b[p*n+j0:], b[(p+1)*n+j0:], b[(p+2)*n+j0:], b[(p+3)*n+j0:])
					ai += 4 * colA
				}
				for ; p < p1; p++ {
					axpy(cRow, a[ai], b[p*n+j0:])
					ai += colA
				}
			}
		}
	}
}

// axpy4 computes c[j] += a0*b0[j] + a1*b1[j] + a2*b2[j] + a3*b3[j], adding the terms
// to c[j] one at a time from left to right.
func axpy4[T Float](c []T, a0, a1, a2, a3 T, b0, b1, b2, b3 []T) {
	b0 = b0[:len(c)]
	b1 = b1[:len(c)]
	b2 = b2[:len(c)]
	b3 = b3[:len(c)]
	for j, cj := range c {
		c[j] = cj + a0*b0[j] + a1*b1[j] + a2*b2[j] + a3*b3[j]
	}
}

// axpy computes c[j] += a*b[j].
func axpy[T Float](c []T, a T, b []T) {
	b = b[:len(c)]
	for j, cj := range c {
		c[j] = cj + a*b[j]
	}
}

// dotBlockN is the number of rows of the stored n×k matrix B that gemmDot keeps in cache
// while every row of A passes over them: dotBlockN*blockK float32 values are 64 KiB.
const dotBlockN = 64

// gemmDot adds A·Bᵀ to C where A is stored m×k and B is stored n×k. Each element of C
// is a dot product of two contiguous rows. Four elements of a row of C are computed per
// pass, so the row of A is loaded once per four rows of B.
func gemmDot[T Float](c, a, b []T, m, k, n int) {
	for j0 := 0; j0 < n; j0 += dotBlockN {
		j1 := min(j0+dotBlockN, n)
		for p0 := 0; p0 < k; p0 += blockK {
			p1 := min(p0+blockK, k)
			for i := range m {
				aRow := a[i*k+p0 : i*k+p1]
				cRow := c[i*n : i*n+n]
				j := j0
				for ; j+4 <= j1; j += 4 {
					s0, s1, s2, s3 := dot4(aRow, b[j*k+p0:], b[(j+1)*k+p0:],
						b[(j+2)*k+p0:], b[(j+3)*k+p0:])
					cRow[j] += s0
					cRow[j+1] += s1
					cRow[j+2] += s2
					cRow[j+3] += s3
				}
				for ; j < j1; j++ {
					cRow[j] += dot(aRow, b[j*k+p0:])
				}
			}
		}
	}
}

// dot4 returns the dot products of x with the first len(x) elements of y0..y3.
func dot4[T Float](x, y0, y1, y2, y3 []T) (s0, s1, s2, s3 T) {
	y0 = y0[:len(x)]
	y1 = y1[:len(x)]
	y2 = y2[:len(x)]
	y3 = y3[:len(x)]
	for p, xp := range x {
		s0 += xp * y0[p]
		s1 += xp * y1[p]
		s2 += xp * y2[p]
		s3 += xp * y3[p]
	}
	return s0, s1, s2, s3
}

// dot returns the dot product of x with the first len(x) elements of y.
func dot[T Float](x, y []T) T {
	y = y[:len(x)]
	var s T
	for p, xp := range x {
		s += xp * y[p]
	}
	return s
}

// tileTT is the number of rows of C that gemmTransBoth accumulates at once in local
// arrays.
const tileTT = 16

// gemmTransBoth adds Aᵀ·Bᵀ to C where A is stored k×m and B is stored n×k. For a tile
// of tileTT rows and four columns of C it walks four rows of B once, reading a
// contiguous segment of a row of A per step, and then adds the finished tile to C.
func gemmTransBoth[T Float](c, a, b []T, m, k, n int) {
	for i0 := 0; i0 < m; i0 += tileTT {
		w := min(tileTT, m-i0)
		j := 0
		for ; j+4 <= n; j += 4 {
			var acc0, acc1, acc2, acc3 [tileTT]T
			t0, t1, t2, t3 := acc0[:w], acc1[:w], acc2[:w], acc3[:w]
			b0 := b[j*k : j*k+k]
			b1 := b[(j+1)*k : (j+1)*k+k]
			b2 := b[(j+2)*k : (j+2)*k+k]
			b3 := b[(j+3)*k : (j+3)*k+k]
			for p := range b0 {
				seg := a[p*m+i0 : p*m+i0+w]
				v0, v1, v2, v3 := b0[p], b1[p], b2[p], b3[p]
				t0, t1, t2, t3 := t0[:len(seg)], t1[:len(seg)], t2[:len(seg)], t3[:len(seg)]
				for ii, av := range seg {
					t0[ii] += av * v0
					t1[ii] += av * v1
					t2[ii] += av * v2
					t3[ii] += av * v3
				}
			}
			for ii := range w {
				row := c[(i0+ii)*n+j : (i0+ii)*n+j+4]
				row[0] += t0[ii]
				row[1] += t1[ii]
				row[2] += t2[ii]
				row[3] += t3[ii]
			}
		}
		for ; j < n; j++ {
			var acc [tileTT]T
			tile := acc[:w]
			for p, bjp := range b[j*k : j*k+k] {
				seg := a[p*m+i0 : p*m+i0+w]
				tile := tile[:len(seg)]
				for ii, av := range seg {
					tile[ii] += av * bjp
				}
			}
			for ii, s := range tile {
				c[(i0+ii)*n+j] += s
			}
		}
	}
}
